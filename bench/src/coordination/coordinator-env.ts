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
 * A pool of the same size as the services' (libs/platform database.ts), failing fast
 * while its database is down instead of queueing callers behind a dead server.
 */
export function coordinatorPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000 });
  // An idle client whose server went away reports here; the next caller gets a fresh connection.
  pool.on('error', () => undefined);
  // A checked-out client (the 2PC coordinator holds one per side across both phases) whose
  // server dies emits 'error' too, and with no listener that event ends the process; the
  // query in progress rejects anyway, and its caller decides.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `stop` on SIGTERM/SIGINT, then exits 0. */
export function onShutdown(stop: () => Promise<void>): void {
  const bye = () => void stop().finally(() => process.exit(0));
  process.once('SIGTERM', bye);
  process.once('SIGINT', bye);
}
