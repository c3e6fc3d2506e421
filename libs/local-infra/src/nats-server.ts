import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** NATS_SERVER_BIN, else a nats-server on PATH (or in the usual sbin folders), else undefined. */
export function findNatsServerBinary(): string | undefined {
  if (process.env.NATS_SERVER_BIN) return existsSync(process.env.NATS_SERVER_BIN) ? process.env.NATS_SERVER_BIN : undefined;
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin'])) {
    if (dir && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  return undefined;
}

/** How to get nats-server, for the one-line messages that name the install command. */
export const NATS_SERVER_INSTALL =
  'apt-get install nats-server (Debian/Ubuntu), brew install nats-server (macOS), or a release from github.com/nats-io/nats-server';

export function natsServerBinary(): string {
  const bin = findNatsServerBinary();
  if (!bin) throw new Error(`nats-server not found: install it (${NATS_SERVER_INSTALL}) or set NATS_SERVER_BIN`);
  return bin;
}

/** True when something accepts TCP connections on host:port within the timeout. */
export const portOpen = (port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> =>
  new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, host);
  });

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

export interface TestNatsServer {
  url: string;
  port: number;
  storeDir: string;
  process: ChildProcess;
  /** SIGKILL, keeping the store (for restart). */
  kill(): Promise<void>;
  /** Starts again on the same port and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private nats-server with JetStream for one test file: fresh streams, no
 * interference with other files or with the machine's server. Loopback only.
 */
export async function startNatsServer(extraArgs: string[] = [], env?: Record<string, string>): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'calm-nats-'));
  const bin = natsServerBinary();
  // `env` reaches the server (a config may read variables); Jest's process.env does not.
  const launch = () =>
    spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, ...extraArgs], { stdio: 'ignore', env: env && { ...process.env, ...env } });
  const server: TestNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    process: launch(),
    async kill() {
      const exited = new Promise((r) => server.process.once('exit', r));
      server.process.kill('SIGKILL');
      await exited;
    },
    async restart() {
      server.process = launch();
      await waitForPort(port);
    },
    async stop() {
      if (server.process.exitCode === null && server.process.signalCode === null) await server.kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
  await waitForPort(port);
  return server;
}
