import { Agent, request } from 'node:http';

/** What one JSON call answered: status 0 when there was no HTTP answer (refused, reset, timed out). */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

/**
 * A keep-alive JSON client over node:http: the load generator and the sync coordinator
 * use the same one, so no design gets a faster HTTP stack than another.
 */
export class JsonClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    maxSockets: number,
    private readonly timeoutMs = 15_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parse(text) }));
          res.on('error', () => resolve({ status: 0, body: null }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, body: null }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
};

export const is2xx = (status: number): boolean => status >= 200 && status < 300;
