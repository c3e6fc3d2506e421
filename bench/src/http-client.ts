import { Agent, request } from 'node:http';

export interface JsonAnswer {
  status: number;
  body: unknown;
}

/**
 * The convergence phase's HTTP client: node:http over keep-alive connections, JSON in
 * and out, nothing else. It replaces `fetch`, whose client cost here was about 1.2 ms
 * of CPU per request against 0.5 ms for this one (1,000 POSTs, 4 in flight, measured
 * with /usr/bin/time): on two cores shared with the service, PostgreSQL and
 * nats-server, the bench's own CPU was a large part of the latency it measured.
 */
export class JsonHttpClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets = 16) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  get(path: string): Promise<JsonAnswer> {
    return this.send('GET', path);
  }

  post(path: string, body: unknown): Promise<JsonAnswer> {
    return this.send('POST', path, JSON.stringify(body));
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, data?: string): Promise<JsonAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (data !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
      const req = request({ host: this.base.hostname, port: this.base.port, path, method, agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch (err) {
            reject(new Error(`${method} ${path} answered ${res.statusCode} with a body that is not JSON: ${(err as Error).message}`));
          }
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }
}
