import { Agent, IncomingMessage, ServerResponse, createServer, request } from 'node:http';

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

/** A one-route JSON server on loopback: POST <path> with a JSON body, answered by `handle`. */
export function serveJson(port: number, path: string, handle: (body: unknown) => Promise<{ status: number; body: unknown }>): Promise<() => Promise<void>> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        const out = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      };
      if (req.method !== 'POST' || req.url !== path) return reply(404, { message: `only POST ${path}` });
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return reply(400, { message: 'body is not JSON' });
      }
      handle(body).then(
        (r) => reply(r.status, r.body),
        (err: Error) => reply(503, { message: err.message }),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))))),
  );
}
