import { randomBytes } from 'node:crypto';
import { freshDatabase, queryDatabase } from '@calm/testing';
import { Database } from './database';

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref())]);

describe("the service's pool", () => {
  it('sets statement_timeout, idle_in_transaction_session_timeout and client_encoding on its connections, and a longer statement is cancelled', async () => {
    const target = await freshDatabase('pool_settings');
    const db = new Database({ name: 'pool', url: target.url, migrations: [], statementTimeoutMs: 300, idleInTransactionTimeoutMs: 4000 });
    try {
      await db.ready;
      const [row] = await db
        .manager()
        .query(
          `SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('client_encoding') AS enc`,
        );
      expect(row).toEqual({ st: '300ms', idle: '4s', enc: 'UTF8' });
      await expect(db.manager().query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
    } finally {
      await db.close();
      await target.drop();
    }
  });
});

describe('ensureDatabase', () => {
  // A managed PostgreSQL's service role: it owns its database and has no CONNECT on `postgres`.
  const role = `calm_test_noconnect_${randomBytes(4).toString('hex')}`;
  let admin: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    admin = await freshDatabase('noconnect', { create: true });
    await queryDatabase(admin.url, `CREATE ROLE ${role} LOGIN`);
    await queryDatabase(admin.url, `CREATE DATABASE ${role} OWNER ${role}`);
    // CONNECT on a database is granted to PUBLIC by default; superusers (every other test) ignore it.
    await queryDatabase(admin.url, 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC');
  });
  afterAll(async () => {
    await queryDatabase(admin.url, 'GRANT CONNECT ON DATABASE postgres TO PUBLIC');
    await queryDatabase(admin.url, `DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
    await queryDatabase(admin.url, `DROP ROLE IF EXISTS ${role}`);
    await admin.drop();
  });

  it('a role without CONNECT on the postgres database starts on its own existing database', async () => {
    const url = new URL(admin.url);
    url.username = role;
    await expect(queryDatabase(url.toString().replace(admin.name, 'postgres'), 'SELECT 1')).rejects.toThrow(/permission denied/);
    url.pathname = `/${role}`;
    const db = new Database({ name: 'noconnect', url: url.toString(), migrations: [] });
    try {
      await withTimeout(db.ready, 10_000, 'ready');
      expect(await db.manager().query('SELECT current_user AS u')).toEqual([{ u: role }]);
    } finally {
      await db.close();
    }
  });
});
