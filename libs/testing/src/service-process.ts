import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from './nats-server';

export interface ServiceProcessOptions {
  /** The built entry point, relative to the repository root, e.g. dist/apps/accounts/src/main.js. */
  entry: string;
  /** Environment for the service (NATS_URL, *_DATABASE_URL, ...); the HTTP port is added. */
  env: Record<string, string>;
  /** Name of the port variable (ACCOUNTS_HTTP_PORT). */
  portVariable: string;
  /** Resolves when the service answers (its database and NATS are up). */
  ready?: (url: string) => Promise<void>;
}

export interface ServiceProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Sends a signal and resolves with the exit code and signal once the process has gone. */
  signal(sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts a new process with the same port and environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const repoRoot = (): string => join(__dirname, '..', '..', '..');

/**
 * A built service (dist/) as a child process on a free loopback port, so that tests can
 * SIGKILL or SIGTERM a real process, not an in-process Nest application.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const entry = join(repoRoot(), options.entry);
  if (!existsSync(entry)) throw new Error(`${options.entry} is missing: run npm run build first`);
  const port = await freePort();
  let log = '';
  const launch = () => {
    const child = spawn(process.execPath, [entry], {
      cwd: repoRoot(),
      env: { ...process.env, ...options.env, [options.portVariable]: String(port), HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      log = (log + b.toString()).slice(-200_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    return child;
  };
  const url = `http://127.0.0.1:${port}`;
  const awaitReady = async () => {
    await waitForPort(port, 60_000);
    await options.ready?.(url);
  };
  const svc: ServiceProcess = {
    url,
    port,
    process: launch(),
    output: () => log,
    async signal(sig) {
      const child = svc.process;
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
      child.kill(sig);
      return exited;
    },
    async restart() {
      svc.process = launch();
      await awaitReady();
    },
    async stop() {
      await svc.signal('SIGKILL');
    },
  };
  try {
    await awaitReady();
  } catch (err) {
    await svc.stop();
    throw new Error(`${options.entry} did not become ready: ${(err as Error).message}\n${log.slice(-4000)}`);
  }
  return svc;
}

/** The built account service as a child process, ready once it answers a read (database and HTTP up). */
export function startAccountsProcess(env: { natsUrl: string; databaseUrl: string; extra?: Record<string, string> }): Promise<ServiceProcess> {
  return startServiceProcess({
    entry: 'dist/apps/accounts/src/main.js',
    portVariable: 'ACCOUNTS_HTTP_PORT',
    env: { NATS_URL: env.natsUrl, ACCOUNTS_DATABASE_URL: env.databaseUrl, ...env.extra },
    ready: async (url) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = await fetch(`${url}/accounts?customerId=00000000-0000-4000-8000-000000000000`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) return;
        if (Date.now() > deadline) throw new Error(`GET /accounts answered ${status} for 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  });
}
