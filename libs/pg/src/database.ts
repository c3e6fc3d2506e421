import { Logger } from '@nestjs/common';
import { Client, Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DataSource, EntityManager, MixedList } from 'typeorm';
import { backoffDelay, sleep } from '@calm/config';
import { MigrationsPendingError, pendingMigrations, runMigrationsLocked } from './migration-lock';

export class DatabaseUnavailableError extends Error {
  constructor(readonly reason?: unknown) {
    super(`database unavailable${reason ? `: ${(reason as Error).message}` : ''}`);
  }
}

/**
 * Creates the database named in `url` when it is missing and the server allows it. The
 * database itself is tried first: a managed PostgreSQL often gives a service's role no
 * CONNECT on the `postgres` database, and such a role must still start when its own
 * database exists. Only a missing database (3D000) sends it to `postgres` to create one.
 */
export async function ensureDatabase(url: string, logger?: Logger): Promise<void> {
  const own = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await own.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
  } finally {
    await own.end().catch(() => undefined);
  }
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    logger?.log(`created database ${name}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42P04') return; // created concurrently by another instance
    if (code === '42501') {
      logger?.warn(`database ${name} is missing and this user may not create it`);
      return;
    }
    throw err;
  } finally {
    await client.end();
  }
}

export interface DatabaseOptions {
  url: string;
  entities?: MixedList<Function>;
  migrations: MixedList<Function>;
  poolSize?: number;
  /** Logical name for logs ("accounts", "customers"). */
  name: string;
  /** MIGRATIONS_RUN: apply pending migrations (default), or only check that none is pending. */
  migrationsRun?: boolean;
  /** statement_timeout of the service's connections (DB_STATEMENT_TIMEOUT_MS; migrations run without it). */
  statementTimeoutMs?: number;
  /** idle_in_transaction_session_timeout of the service's connections (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS). */
  idleInTransactionTimeoutMs?: number;
}

/**
 * Session settings of every pooled connection: no statement and no forgotten transaction
 * holds a connection (and its locks) for ever, and text always travels as UTF-8, whatever
 * the server's or the role's default encoding.
 */
export function sessionOptions(o: Pick<DatabaseOptions, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'>): string {
  return [
    `-c statement_timeout=${o.statementTimeoutMs ?? 30_000}`,
    `-c idle_in_transaction_session_timeout=${o.idleInTransactionTimeoutMs ?? 60_000}`,
    '-c client_encoding=UTF8',
  ].join(' ');
}

/**
 * The service's database: connects in the background with backoff (so the HTTP
 * server can report the outage on /health/ready instead of crash-looping), creates
 * the database if missing and applies pending migrations before it is ready, one
 * instance at a time (migration-lock.ts). With migrationsRun false it applies none and
 * stays not ready, saying why, until someone else has applied them.
 */
export class Database {
  readonly dataSource: DataSource;
  private readonly logger: Logger;
  private connected = false;
  private closed = false;
  /** Why the database is not usable yet, for /health/ready. */
  private lastError?: Error;
  private readonly abort = new AbortController();
  readonly ready: Promise<void>;

  constructor(private readonly options: DatabaseOptions) {
    this.logger = new Logger(`Database(${options.name})`);
    this.dataSource = this.newDataSource({ max: options.poolSize ?? 10, connectionTimeoutMillis: 5000, options: sessionOptions(options) });
    this.ready = this.connectWithRetry();
    this.ready.catch(() => undefined);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  private async connectWithRetry(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await ensureDatabase(this.options.url, this.logger);
        if (this.options.migrationsRun !== false) await this.migrate();
        if (!this.dataSource.isInitialized) await this.dataSource.initialize();
        if (this.options.migrationsRun === false) {
          const pending = await pendingMigrations(this.dataSource);
          if (pending.length) throw new MigrationsPendingError(pending);
        }
        this.connected = true;
        this.lastError = undefined;
        return;
      } catch (err) {
        this.lastError = err as Error;
        const delay = backoffDelay(attempt);
        const what = err instanceof MigrationsPendingError ? err.message : `cannot reach PostgreSQL (${(err as Error).message})`;
        this.logger.warn(`${what}; retrying in ${delay} ms`);
        await sleep(delay, this.abort.signal);
      }
    }
    throw new DatabaseUnavailableError(new Error('closed'));
  }

  private newDataSource(extra: Record<string, unknown>): DataSource {
    return new DataSource({
      type: 'postgres',
      url: this.options.url,
      entities: this.options.entities ?? [],
      migrations: this.options.migrations,
      migrationsTableName: 'migrations',
      migrationsRun: false,
      synchronize: false,
      logging: false,
      extra,
    });
  }

  /**
   * On a connection of its own, without the service's statement_timeout (a migration may
   * take longer than any request), and under the migration lock (instances starting
   * together take turns).
   */
  private async migrate(): Promise<void> {
    const ds = this.newDataSource({ max: 1, connectionTimeoutMillis: 5000, options: '-c client_encoding=UTF8' });
    await ds.initialize();
    try {
      const applied = await runMigrationsLocked(this.options.url, ds);
      if (applied.length) this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await ds.destroy();
    }
  }

  /** Throws DatabaseUnavailableError (mapped to 503) while not yet connected. */
  manager(): EntityManager {
    if (!this.connected) throw new DatabaseUnavailableError();
    return this.dataSource.manager;
  }

  /**
   * The pg pool under TypeORM, for hot paths that TypeORM's query runner would only slow
   * down. Throws DatabaseUnavailableError (503) while not connected, like manager().
   */
  pool(): Pool {
    return (this.manager().connection.driver as PostgresDriver).master as Pool;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.connected) return Promise.reject(new DatabaseUnavailableError());
    return this.dataSource.transaction(work);
  }

  /** Liveness of the connection right now, for /health/ready. */
  async ping(timeoutMs = 2000): Promise<void> {
    if (!this.connected) throw new DatabaseUnavailableError(this.lastError);
    // The timer is cancelled on answer: a pending one would keep a test process alive.
    const answered = new AbortController();
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        sleep(timeoutMs, answered.signal).then(() => {
          if (!answered.signal.aborted) throw new DatabaseUnavailableError(new Error(`no answer in ${timeoutMs} ms`));
        }),
      ]);
    } finally {
      answered.abort();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * SQLSTATEs that mean "the database refuses these values": class 22 (data exception: a
 * date out of range, an invalid byte sequence), a NOT NULL or CHECK violation, or a
 * protocol violation (a NUL byte). The same event fails the same way on every delivery:
 * a consumer dead-letters it at once, with this reason, instead of spending its retries.
 * The canonical decoder should let none of these through; this is the second line.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23502' || code === '23514' || code === '08P01');
}

/** SQLSTATE classes that mean "the database is not there right now", not "bad input". */
export function isTransientDatabaseError(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  // 08P01 (protocol violation) is in the connection class but says "this request is bad",
  // e.g. a NUL byte in a value: retrying it cannot help.
  if (code === '08P01') return false;
  if (/^(08|53|57|58)/.test(code) || code === '40001' || code === '40P01' || code === '55P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    e?.message ?? '',
  );
}
