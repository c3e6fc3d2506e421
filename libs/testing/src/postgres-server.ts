import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './nats-server';

const run = promisify(execFile);

export interface TestPostgresServer {
  /** Admin URL (database `postgres`); use `urlFor(name)` for a service database. */
  url: string;
  port: number;
  dataDir: string;
  urlFor(database: string): string;
  /** `pg_ctl stop -m immediate`: the postmaster kills its backends without a checkpoint, like a crash. */
  stopImmediate(): Promise<void>;
  /** Starts again on the same port and data directory (crash recovery replays the WAL). */
  start(): Promise<void>;
  /** Stops (fast) and deletes the data directory. */
  destroy(): Promise<void>;
}

export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: install postgresql or set PG_BIN_DIR');
}

/**
 * A private PostgreSQL cluster in a temporary directory on a free loopback port, for
 * tests that must stop and restart the database. initdb refuses to run as root, so as
 * root the cluster belongs to the `postgres` OS user and every command runs through runuser.
 */
export async function startPostgresServer(settings: Record<string, string | number> = {}): Promise<TestPostgresServer> {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'calm-pg-'));
  if (asRoot) {
    const uid = (await run('id', ['-u', 'postgres'])).stdout.trim();
    const gid = (await run('id', ['-g', 'postgres'])).stdout.trim();
    chownSync(dataDir, Number(uid), Number(gid));
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '-N']);
  // `settings` adds server settings (e.g. max_prepared_transactions for two-phase commit).
  const extra = Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join('');
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dataDir} -c fsync=off -c max_connections=100 -c shared_buffers=32MB${extra}`;
  const server: TestPostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stopImmediate() {
      await exec('pg_ctl', ['-D', dataDir, 'stop', '-m', 'immediate', '-w']);
    },
    async start() {
      await exec('pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', options, 'start', '-w', '-t', '60']);
      await waitForPort(port);
    },
    async destroy() {
      await exec('pg_ctl', ['-D', dataDir, 'stop', '-m', 'fast', '-w']).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
