import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { freePort, waitForPort } from '@calm/local-infra';
import { waitFor } from './wait';

export interface ServiceProcessOptions {
  /** The built entry point, absolute or relative to the repository root, e.g. dist/apps/accounts/src/main.js. */
  entry: string;
  /** Node flags before the entry point (--max-semi-space-size, --cpu-prof). */
  nodeArgs?: string[];
  /** A file the process's output is appended to as well (the bench keeps its logs). */
  logFile?: string;
  /** Environment for the service (NATS_URL, *_DATABASE_URL, ...); the HTTP port is added. */
  env: Record<string, string>;
  /** Name of the port variable (ACCOUNTS_HTTP_PORT). */
  portVariable: string;
  /** Resolves when the service answers (its database and NATS are up). */
  ready?: (url: string) => Promise<void>;
  /**
   * Called with each process as it is spawned (the first and every restart), before it is
   * ready: the bench measures a service's CPU and memory from its first instruction, and
   * its consumer works before its HTTP port answers.
   */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ServiceProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Sends a signal and resolves with the exit code and signal once the process has gone. */
  signal(sig: NodeJS.Signals): Promise<ExitStatus>;
  /** Resolves when the current process has exited. */
  exited(): Promise<ExitStatus>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs` (the contract allows 10 s). */
  terminate(graceMs?: number): Promise<ExitStatus>;
  /** Starts a new process with the same port and environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const repoRoot = (): string => join(__dirname, '..', '..', '..');

/**
 * A built service (dist/) as a child process on a free loopback port, so that tests can
 * SIGKILL or SIGTERM a real process, not an in-process Nest application. The one spawner
 * of the tests and the bench (services and coordinators). Ready once the port listens and
 * `ready` resolves; a process that exits first fails the start with its output.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const entry = isAbsolute(options.entry) ? options.entry : join(repoRoot(), options.entry);
  if (!existsSync(entry)) throw new Error(`${options.entry} is missing: run npm run build first`);
  const port = await freePort();
  let log = '';
  const file = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const launch = () => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
      cwd: repoRoot(),
      env: { ...process.env, ...options.env, [options.portVariable]: String(port), HTTP_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      log = (log + b.toString()).slice(-200_000);
      file?.write(b);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    options.onSpawn?.(child);
    return child;
  };
  const url = `http://127.0.0.1:${port}`;
  const exitOf = (child: ChildProcess): Promise<ExitStatus> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
      : new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const awaitReady = async () => {
    const died = exitOf(svc.process).then(({ code, signal }) =>
      // Its last lines say why (a start that fails logs its error before it exits).
      Promise.reject(new Error(`exited (${code ?? signal}) before it was ready; its last output:\n${log.slice(-3000)}`)),
    );
    died.catch(() => undefined);
    await Promise.race([
      (async () => {
        await waitForPort(port, 60_000);
        await options.ready?.(url);
      })(),
      died,
    ]);
  };
  const svc: ServiceProcess = {
    url,
    port,
    process: launch(),
    output: () => log,
    async signal(sig) {
      const exited = exitOf(svc.process);
      if (svc.process.exitCode === null && svc.process.signalCode === null) svc.process.kill(sig);
      return exited;
    },
    exited: () => exitOf(svc.process),
    async terminate(graceMs = 10_000) {
      const child = svc.process;
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await svc.signal('SIGTERM');
      } finally {
        clearTimeout(killer);
      }
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

/** A `ready` check for startServiceProcess: GET `path` answers 200 (within `timeoutMs`). */
export const answersOk =
  (path: string, timeoutMs = 60_000) =>
  async (url: string): Promise<void> => {
    await waitFor(
      `GET ${path} to answer 200`,
      async () => {
        const { status } = await fetch(url + path);
        if (status !== 200) throw new Error(`answered ${status}`);
        return true;
      },
      timeoutMs,
    );
  };

/** The built account service as a child process, ready once it answers a read (database and HTTP up). */
export function startAccountsProcess(env: { natsUrl: string; databaseUrl: string; extra?: Record<string, string> }): Promise<ServiceProcess> {
  return startServiceProcess({
    entry: 'dist/apps/accounts/src/main.js',
    portVariable: 'ACCOUNTS_HTTP_PORT',
    env: { NATS_URL: env.natsUrl, ACCOUNTS_DATABASE_URL: env.databaseUrl, ...env.extra },
    ready: answersOk('/accounts?customerId=00000000-0000-4000-8000-000000000000'),
  });
}
