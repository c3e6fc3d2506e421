import { randomUUID } from 'node:crypto';
import { customerCreated } from '@calm/contracts';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase, waitFor } from '@calm/testing';
import { accountsMigrations } from '../../../../migrations/accounts';
import { AccountStore } from './account.store';

/**
 * The customer path must not read the whole account table to resolve one customer,
 * whatever the planner believes about it. A table that has just grown (the REST phase of
 * the bench, a bulk import) has no statistics until autovacuum analyzes it; the join's
 * final UPDATE ... FROM target was then planned as a hash join over a sequential scan of
 * every account: 25-37 ms per event at 55,000 accounts instead of 0.4 ms, the bench's
 * convergence regression. Measured through the table's own counters: sequential scans
 * and updated rows are flushed together, so once the update shows, the scans are final.
 */
let dbInfo: TestDatabase;
let db: Database;
let store: AccountStore;

beforeAll(async () => {
  dbInfo = await freshDatabase('customer_path_plan');
  db = new Database({ name: 'customer-path-plan', url: dbInfo.url, migrations: accountsMigrations });
  await db.ready;
  store = new AccountStore(db);
  // The state after a bulk growth, kept that way: no statistics, and no autovacuum to gather them.
  await queryDatabase(dbInfo.url, `ALTER TABLE account SET (autovacuum_enabled = false)`);
  await queryDatabase(
    dbInfo.url,
    `INSERT INTO account (account_id, customer_id, currency, status, opened_at) SELECT gen_random_uuid(), gen_random_uuid(), 'EUR', 'pending', now() FROM generate_series(1, 30000)`,
  );
}, 60_000);
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

const counters = async () =>
  (
    await queryDatabase<{ seq_scan: string; n_tup_ins: string; n_tup_upd: string }>(
      dbInfo.url,
      `SELECT pg_stat_clear_snapshot(), seq_scan, n_tup_ins, n_tup_upd FROM pg_stat_user_tables WHERE relname = 'account'`,
    )
  )[0];

it("validates one customer's accounts by index on a table without statistics, never scanning every account", async () => {
  const [{ analyzed }] = await queryDatabase<{ analyzed: string | null }>(
    dbInfo.url,
    `SELECT coalesce(last_analyze, last_autoanalyze)::text AS analyzed FROM pg_stat_user_tables WHERE relname = 'account'`,
  );
  expect(analyzed).toBeNull();
  const customerId = randomUUID();
  await store.open({ accountId: randomUUID(), customerId, currency: 'EUR' }, new Date());
  await waitFor('the open to show in the counters', async () => Number((await counters()).n_tup_ins) === 30_001, 10_000);
  const before = await counters();

  const outcome = await store.applyCustomersCreated(
    [customerCreated({ customerId, name: 'N', email: 'n@example.com' }, new Date().toISOString(), '/test')],
    new Date(),
  );
  expect(outcome.validatedOpenedAt).toHaveLength(1);

  // Statistics reach the shared counters up to a second after the transaction.
  await waitFor('the update to show in the counters', async () => Number((await counters()).n_tup_upd) > Number(before.n_tup_upd), 10_000);
  expect(Number((await counters()).seq_scan)).toBe(Number(before.seq_scan));
});
