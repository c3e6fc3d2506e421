import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from '@calm/testing';

export interface CoordinatorProcess {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  stop(): Promise<void>;
}

/** The built coordinators: beside this file once compiled, under dist/ when this runs from source (jest). */
const builtDir = (): string => (__filename.endsWith('.js') ? __dirname : join(__dirname, '..', '..', '..', 'dist', 'bench', 'src', 'coordination'));

/** A coordinator (sync or twopc) as a child process on a free loopback port; ready once it listens. */
export async function startCoordinator(kind: 'sync' | 'twopc', env: Record<string, string>): Promise<CoordinatorProcess> {
  const script = join(builtDir(), `${kind}-coordinator.main.js`);
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, [`${kind.toUpperCase()}_HTTP_PORT`]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-100_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const proc: CoordinatorProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  const died = exited.then(({ code, signal }) => Promise.reject(new Error(`${kind} coordinator exited (${code ?? signal}) before listening:\n${log}`)));
  await Promise.race([waitForPort(port, 60_000), died]);
  died.catch(() => undefined);
  return proc;
}
