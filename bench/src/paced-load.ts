import { randomUUID } from 'node:crypto';
import { Socket, connect } from 'node:net';
import { paced } from './paced';
import type { LoadRequest, LoadResult } from './load-generator';
import { percentile } from './report';

/**
 * One keep-alive HTTP/1.1 connection that sends a POST and reads its answer's status,
 * nothing more: the paced load's client, as lean per request as autocannon's (prebuilt
 * head, the answer's body skipped by its Content-Length), so the generator's own CPU
 * takes no more from the service's two cores than autocannon did.
 */
class PostConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiter?: { resolve: (status: number) => void; reject: (e: Error) => void };

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number): Promise<PostConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new PostConnection(socket)));
      socket.once('error', reject);
    });
  }

  post(head: string, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.socket.write(`${head}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const headEnd = this.buf.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buf.subarray(0, headEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
    const end = headEnd + 4 + Number(length[1]);
    if (this.buf.length < end) return;
    this.buf = this.buf.subarray(end);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(Number(head.slice(9, 12)));
  }

  private fail(e: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(e);
  }
}

/** POST /accounts at a fixed rate, evenly spaced over `connections` keep-alive connections (paced.ts). */
export async function pacedPosts(req: LoadRequest & { overallRate: number }): Promise<LoadResult> {
  const url = new URL(req.url);
  const conns = await Promise.all(Array.from({ length: req.connections }, () => PostConnection.open(url.hostname, Number(url.port))));
  const head = `POST /accounts HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: `;
  try {
    let non2xx = 0;
    const r = await paced(req.overallRate, req.durationS, req.connections, async (slot) => {
      const status = await conns[slot].post(head, JSON.stringify({ accountId: randomUUID(), customerId: randomUUID() }));
      if (status >= 200 && status < 300) return true;
      non2xx++;
      return false;
    });
    return {
      okPerS: r.ok / r.durationS,
      ok: r.ok,
      non2xx,
      errors: r.failed - non2xx,
      timeouts: 0,
      p50Ms: r.ok ? percentile(r.latenciesMs, 50) : 0,
      p99Ms: r.ok ? percentile(r.latenciesMs, 99) : 0,
      durationS: r.durationS,
    };
  } finally {
    conns.forEach((c) => c.close());
  }
}
