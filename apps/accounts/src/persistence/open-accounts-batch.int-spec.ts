import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { queryDatabase } from '@calm/testing';
import { OpenOutcome } from './account.store';
import { accountStoreDatabase } from '../../../../test/support/account-store-database';
import { OPEN_ACCOUNTS } from './open-accounts-batch.sql';

/**
 * Group commit of POST /accounts against the real database: requests submitted in the
 * same turn share one transaction, and each still gets its own 201 / 200 / 409.
 */
// One batch in flight: everything submitted in one turn lands in one transaction.
const fx = accountStoreDatabase('open_batch', { groupCommit: { maxBatch: 64, maxInFlight: 1 } });
let batches: number;

beforeAll(() => {
  const pool = fx.db.pool();
  const query = pool.query.bind(pool) as (q: unknown) => Promise<unknown>;
  // Counts the groups: each is one call of open_accounts.
  (pool as unknown as { query: (q: unknown) => Promise<unknown> }).query = (q: unknown) => {
    if ((q as { name?: string }).name === OPEN_ACCOUNTS.name) batches++;
    return query(q);
  };
});
beforeEach(() => (batches = 0));

const now = new Date('2026-05-01T08:00:00.000Z');
const kinds = (outcomes: PromiseSettledResult<OpenOutcome>[]) =>
  outcomes.map((o) => (o.status === 'fulfilled' ? o.value.kind : `error: ${(o.reason as Error).message}`));
const outboxOf = (accountId: string) =>
  queryDatabase<{ event_id: string }>(fx.url, `SELECT event_id FROM outbox WHERE payload->'data'->>'accountId' = $1`, [accountId]);

it('opens different accounts submitted together in ONE transaction, each answered 201 with its own row', async () => {
  const cmds = Array.from({ length: 12 }, () => ({ accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' }));
  const outcomes = await Promise.allSettled(cmds.map((c) => fx.store.open(c, now)));
  expect(kinds(outcomes)).toEqual(cmds.map(() => 'created'));
  expect(batches).toBe(1);
  outcomes.forEach((o, i) =>
    expect(o.status === 'fulfilled' && o.value.account).toMatchObject({ accountId: cmds[i].accountId, customerId: cmds[i].customerId, status: 'pending' }),
  );
  for (const c of cmds) expect(await outboxOf(c.accountId)).toEqual([{ event_id: eventIds.accountOpened(c.accountId) }]);
});

it('answers identical requests in one batch once 201 and otherwise 200, with one account and one account.opened', async () => {
  const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
  // The same id in another case is the same account (a UUID is case-insensitive).
  const outcomes = await Promise.allSettled([cmd, cmd, { ...cmd, accountId: cmd.accountId.toUpperCase() }, cmd].map((c) => fx.store.open(c, now)));
  expect(batches).toBe(1);
  expect(kinds(outcomes).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged']);
  expect(await queryDatabase(fx.url, `SELECT 1 FROM account WHERE account_id = $1`, [cmd.accountId])).toHaveLength(1);
  expect(await outboxOf(cmd.accountId)).toHaveLength(1);
});

it('answers conflicting requests in one batch 201 for the first and 409 for the other, naming the stored account', async () => {
  const accountId = randomUUID();
  const first = { accountId, customerId: randomUUID(), currency: 'EUR' };
  const other = { accountId, customerId: randomUUID(), currency: 'USD' };
  const outcomes = await Promise.allSettled([first, other].map((c) => fx.store.open(c, now)));
  expect(batches).toBe(1);
  expect(kinds(outcomes)).toEqual(['created', 'conflict']);
  expect(outcomes[1].status === 'fulfilled' && outcomes[1].value.account).toMatchObject({ customerId: first.customerId, currency: 'EUR' });
});

it('validates, inside the batch, an account whose customer is already known, beside shells of unknown customers', async () => {
  const known = randomUUID();
  await queryDatabase(fx.url, `INSERT INTO known_customer (customer_id, created_at) VALUES ($1, $2)`, [known, '2026-04-01T00:00:00.000Z']);
  const cmds = [
    { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' },
    { accountId: randomUUID(), customerId: known, currency: 'EUR' },
    { accountId: randomUUID(), customerId: known, currency: 'GBP' },
  ];
  const outcomes = await Promise.all(cmds.map((c) => fx.store.open(c, now)));
  expect(batches).toBe(1);
  expect(outcomes.map((o) => o.account.status)).toEqual(['pending', 'valid', 'valid']);
  expect(await outboxOf(cmds[1].accountId)).toHaveLength(2); // account.opened and account.validated
});

it('a member the database refuses fails alone: the others of its batch are committed and answered', async () => {
  const good = Array.from({ length: 3 }, () => ({ accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' }));
  // char(3): the database refuses a four-letter currency (the HTTP layer would have said 400 first).
  const bad = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EURO' };
  const outcomes = await Promise.allSettled([good[0], bad, good[1], good[2]].map((c) => fx.store.open(c, now)));
  expect(kinds(outcomes)).toEqual(['created', 'error: value too long for type character(3)', 'created', 'created']);
  for (const c of good) expect(await queryDatabase(fx.url, `SELECT status FROM account WHERE account_id = $1`, [c.accountId])).toEqual([{ status: 'pending' }]);
  expect(await queryDatabase(fx.url, `SELECT 1 FROM account WHERE account_id = $1`, [bad.accountId])).toHaveLength(0);
});

it('a value PostgreSQL cannot hold (NUL) fails its own request before any batch', async () => {
  const good = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
  const outcomes = await Promise.allSettled(
    [good, { accountId: randomUUID(), customerId: randomUUID(), currency: 'E\u0000R' }].map((c) => fx.store.open(c, now)),
  );
  expect(kinds(outcomes)).toEqual(['created', 'error: open account: currency contains NUL']);
  expect(batches).toBe(1);
});
