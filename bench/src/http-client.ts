import { Agent, request } from 'node:http';

/** What one JSON call answered; from `call`, status 0 when there was no HTTP answer (refused, reset, timed out). */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

export const is2xx = (status: number): boolean => status >= 200 && status < 300;

/**
 * The bench's one HTTP client (the product bench's convergence phase and the coordination
 * study's load, coordinators and participants alike, so no design gets a faster HTTP
 * stack than another): node:http over keep-alive connections, JSON in and out, nothing
 * else. It replaces `fetch`, whose client cost here was about 1.2 ms of CPU per request
 * against 0.5 ms for this one (1,000 POSTs, 4 in flight, measured with /usr/bin/time):
 * on two cores shared with the service, PostgreSQL and nats-server, the bench's own CPU
 * was a large part of the latency it measured.
 */
export class JsonHttpClient {
  private readonly agent: Agent;
  private readonly base: URL;

  /** `timeoutMs`: a request with no answer for this long fails (none: it waits). */
  constructor(
    baseUrl: string,
    maxSockets = 16,
    private readonly timeoutMs?: number,
  ) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** GET; rejects when there is no answer or it is not JSON. */
  async get(path: string): Promise<JsonAnswer> {
    return strict('GET', path, await this.send('GET', path));
  }

  /** POST of a JSON body; rejects when there is no answer or it is not JSON. */
  async post(path: string, body: unknown): Promise<JsonAnswer> {
    return strict('POST', path, await this.send('POST', path, JSON.stringify(body)));
  }

  /** Never rejects: status 0 when there was no answer, the text as the body when it is not JSON (a load counts failures). */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonAnswer> {
    try {
      const { status, text } = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
      return { status, body: lenient(text) };
    } catch {
      return { status: 0, body: null };
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, data?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (data !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
      const req = request({ host: this.base.hostname, port: this.base.port, path, method, agent: this.agent, headers, timeout: this.timeoutMs }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(data);
    });
  }
}

function strict(method: string, path: string, { status, text }: { status: number; text: string }): JsonAnswer {
  try {
    return { status, body: text ? JSON.parse(text) : undefined };
  } catch (err) {
    throw new Error(`${method} ${path} answered ${status} with a body that is not JSON: ${(err as Error).message}`);
  }
}

function lenient(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}
