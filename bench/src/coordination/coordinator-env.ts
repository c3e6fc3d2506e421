import { Pool } from 'pg';

/** A required environment variable, or a one-line message naming it. */
export function required(name: string): string {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`${name} is required\n`);
    process.exit(2);
  }
  return v;
}

/**
 * A pool of the same size as the services' (libs/pg database.ts), failing fast
 * while its database is down instead of queueing callers behind a dead server.
 */
export function coordinatorPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 });
  // An idle client whose server went away reports here; the next caller gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}
