import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ConfigError, launcherEnv, parseEnv, SERVICE_NODE_FLAGS } from '@calm/config';
import { ensureBackingServices, MissingServerError, stopAll } from './backing-services';

/**
 * `npm start`: PostgreSQL and NATS (found, or started: backing-services.ts), then both
 * built services in the foreground. Ctrl-C (or SIGTERM) stops both services, then the
 * servers it started; if one service exits on its own, the other is stopped too and its
 * exit code is passed on.
 */
export async function launch(root: string): Promise<void> {
  const log = (line: string) => process.stderr.write(`npm start: ${line}\n`);
  let backing;
  try {
    const { CALM_DATA_DIR } = parseEnv(launcherEnv, process.env);
    backing = await ensureBackingServices(process.env, resolve(root, CALM_DATA_DIR), log);
  } catch (err) {
    const why =
      err instanceof ConfigError
        ? `configuration error: ${err.lines.join('; ')}`
        : err instanceof MissingServerError
          ? err.message
          : `cannot start the backing servers: ${(err as Error).message}`;
    process.stderr.write(`npm start: ${why}\n`);
    process.exit(1);
  }
  const env = { ...process.env, ...backing.env };
  const services = ['customers', 'accounts'].map((name) => ({
    name,
    // The heap settings of every service start (SERVICE_NODE_FLAGS, node-flags.ts: why).
    child: spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(root, 'dist', 'apps', name, 'src', 'main.js')], { stdio: 'inherit', env }) as ChildProcess,
  }));

  let stopping = false;
  let exitCode = 0;
  const stopServices = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const { child } of services) if (child.exitCode === null) child.kill(signal);
  };
  const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  for (const { name, child } of services) {
    child.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`${name} exited (${signal ?? code}); stopping the other service\n`);
        exitCode = code || 1;
        stopServices('SIGTERM');
      }
      if (services.every((s) => gone(s.child))) void stopAll(backing.started).then(() => process.exit(exitCode));
    });
  }
  process.on('SIGINT', () => stopServices('SIGTERM'));
  process.on('SIGTERM', () => stopServices('SIGTERM'));
}
