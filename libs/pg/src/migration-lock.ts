import { Client } from 'pg';
import { DataSource, Migration } from 'typeorm';

/**
 * The advisory lock key every migrator of a database takes (services at start, `npm run
 * db:migrate`): "calm" in ASCII. Advisory locks are per database, so the account and
 * customer databases each have their own turn.
 */
export const MIGRATION_LOCK_KEY = 0x63616c6d;

/**
 * Applies the pending migrations holding the advisory lock on a connection of its own, so
 * instances starting together take turns: the first applies them, the others wait, then
 * find nothing pending. Without it two instances both saw the same migration pending and
 * ran it at once. The lock is a session lock: a migrator that dies releases it with its
 * connection.
 */
export async function runMigrationsLocked(url: string, dataSource: DataSource): Promise<Migration[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** MIGRATIONS_RUN=false: the service applies nothing, and is not ready while migrations are pending. */
/** An error written for the operator, holding nothing secret: /health/ready may show its text. */
export class OperatorReason extends Error {}

export class MigrationsPendingError extends OperatorReason {
  constructor(pending: string[]) {
    super(`${pending.length} migration(s) pending and MIGRATIONS_RUN=false: run \`npm run db:migrate\``);
  }
}

/**
 * How many migrations this code has that the database has not applied, read without
 * writing anything (TypeORM's showMigrations would create the migrations table).
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const [{ table }] = await dataSource.query(`SELECT to_regclass('migrations') AS table`);
  const applied = new Set<string>(table ? (await dataSource.query(`SELECT name FROM migrations`)).map((r: { name: string }) => r.name) : []);
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.has(name));
}
