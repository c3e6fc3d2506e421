import { Server, Socket, createServer } from 'node:net';

export interface LatencyProxy {
  port: number;
  /** Round-trip time added from now on (0: chunks pass straight through). */
  setRtt(ms: number): void;
  close(): Promise<void>;
}

/**
 * A TCP relay on loopback that delays every chunk by half the wanted round-trip time in
 * each direction, keeping the order: a network of that round-trip time between whoever
 * connects and `targetPort`. It knows no protocol, so it costs the same to PostgreSQL,
 * NATS and HTTP, and to every design. The delay can change while connections are open,
 * so the same processes are measured without and with it.
 */
export function startLatencyProxy(targetPort: number, rttMs = 0): Promise<LatencyProxy> {
  const delay = { halfMs: rttMs / 2 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    // No Nagle: a delayed chunk must leave when it is due, not wait for the ACK of the one before.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    relay(client, upstream, delay);
    relay(upstream, client, delay);
    client.pause();
    upstream.connect(targetPort, '127.0.0.1', () => client.resume());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        setRtt: (ms) => (delay.halfMs = ms / 2),
        close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
      }),
    );
  });
}

/** Forwards from → to, each chunk `delay.halfMs` after it arrived, in arrival order; an end follows the last chunk. */
function relay(from: Socket, to: Socket, delay: { halfMs: number }): void {
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const send = (chunk: Buffer | null) => {
    if (to.destroyed) return;
    if (chunk === null) to.end();
    else to.write(chunk);
  };
  const pump = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length && queue[0].due <= now) send(queue.shift()!.chunk);
    if (queue.length) timer = setTimeout(pump, queue[0].due - now);
  };
  const push = (chunk: Buffer | null) => {
    if (delay.halfMs === 0 && queue.length === 0) return send(chunk);
    queue.push({ due: Date.now() + delay.halfMs, chunk });
    timer ??= setTimeout(pump, delay.halfMs);
  };
  from.on('data', (c: Buffer) => push(c));
  from.on('end', () => push(null));
}
