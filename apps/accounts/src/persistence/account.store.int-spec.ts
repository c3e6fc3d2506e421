import { randomUUID } from 'node:crypto';
import { accountOpened, customerCreated, eventIds, PermanentEventError } from '@calm/contracts';
import { Client } from 'pg';
import { Database, isTransientDatabaseError } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase, waitFor } from '@calm/testing';
import { accountsMigrations } from '../../../../migrations/accounts';
import { AccountStore } from './account.store';

let dbInfo: TestDatabase;
let db: Database;
let store: AccountStore;

beforeAll(async () => {
  dbInfo = await freshDatabase('account_store');
  db = new Database({ name: 'account-store-test', url: dbInfo.url, migrations: accountsMigrations });
  await db.ready;
  store = new AccountStore(db);
});
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

const outbox = (accountId: string) =>
  queryDatabase<{ event_id: string; subject: string; payload: Record<string, any> }>(
    dbInfo.url,
    `SELECT event_id, subject, payload FROM outbox WHERE payload->'data'->>'accountId' = $1 ORDER BY id`,
    [accountId],
  );

const created = (customerId: string, time: string) => customerCreated({ customerId, name: 'N', email: 'n@example.com' }, time, '/test');

describe('AccountStore.open (one round trip)', () => {
  it('opens a shell account with its account.opened event when the customer is unknown', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
    const now = new Date('2026-03-01T10:00:00.123Z');
    const outcome = await store.open(cmd, now);
    expect(outcome).toEqual({ kind: 'created', account: { ...cmd, status: 'pending', openedAt: now.toISOString(), validatedAt: null, rejectedAt: null } });
    const rows = await outbox(cmd.accountId);
    expect(rows).toEqual([
      {
        event_id: eventIds.accountOpened(cmd.accountId),
        subject: `account.opened.${cmd.accountId}`,
        payload: accountOpened({ ...cmd, openedAt: now.toISOString() }),
      },
    ]);
  });

  it.each([
    ['before', '2026-03-01T09:00:00.000456Z', '2026-03-01T10:00:00.123Z'],
    ['after', '2026-03-01T11:30:00.987654Z', '2026-03-01T11:30:00.987Z'],
  ])('is valid at once when the customer is known (created %s the opening), with its account.validated event', async (_, createdAt, expected) => {
    const customerId = randomUUID();
    await queryDatabase(dbInfo.url, `INSERT INTO known_customer (customer_id, created_at) VALUES ($1, $2)`, [customerId, createdAt]);
    const cmd = { accountId: randomUUID(), customerId, currency: 'USD' };
    const now = new Date('2026-03-01T10:00:00.123Z');
    const outcome = await store.open(cmd, now);
    expect(outcome).toEqual({ kind: 'created', account: { ...cmd, status: 'valid', openedAt: now.toISOString(), validatedAt: expected, rejectedAt: null } });
    const [, validated] = await outbox(cmd.accountId);
    expect(validated.event_id).toBe(eventIds.accountValidated(cmd.accountId));
    expect(validated.subject).toBe(`account.validated.${cmd.accountId}`);
    expect(validated.payload).toMatchObject({
      id: validated.event_id,
      type: 'account.validated',
      time: now.toISOString(),
      data: { accountId: cmd.accountId, customerId, validatedAt: expected },
    });
    expect(await store.get(cmd.accountId)).toEqual(outcome.account);
  });

  it('reaches the same account and event whichever fact comes second', async () => {
    const now = new Date('2026-03-02T08:00:00.000Z');
    const time = '2026-03-02T09:15:00.250Z';
    const [first, second] = [randomUUID(), randomUUID()];
    // account first, then the customer
    const a = { accountId: randomUUID(), customerId: first, currency: 'EUR' };
    await store.open(a, now);
    await store.applyCustomersCreated([created(first, time)], now);
    // customer first, then the account
    const b = { accountId: randomUUID(), customerId: second, currency: 'EUR' };
    await store.applyCustomersCreated([created(second, time)], now);
    await store.open(b, now);
    const [ga, gb] = [await store.get(a.accountId), await store.get(b.accountId)];
    expect(ga).toMatchObject({ status: 'valid', validatedAt: time });
    expect(gb).toMatchObject({ status: 'valid', validatedAt: time });
    expect((await outbox(a.accountId))[1].payload.data).toEqual({ accountId: a.accountId, customerId: first, validatedAt: time });
    expect((await outbox(b.accountId))[1].payload.data).toEqual({ accountId: b.accountId, customerId: second, validatedAt: time });
  });

  it('answers a repeat with the current account and a conflicting repeat as a conflict, writing nothing', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
    const first = await store.open(cmd, new Date('2026-03-03T00:00:00.000Z'));
    expect(await store.open(cmd, new Date('2026-03-03T00:00:05.000Z'))).toEqual({ kind: 'unchanged', account: first.account });
    expect(await store.open({ ...cmd, currency: 'GBP' }, new Date())).toEqual({ kind: 'conflict', account: first.account });
    expect(await store.open({ ...cmd, customerId: randomUUID() }, new Date())).toEqual({ kind: 'conflict', account: first.account });
    expect(await outbox(cmd.accountId)).toHaveLength(1);
  });

  it('stores quotes and backslashes literally (the one-message path quotes every value)', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: `'\\;` };
    const outcome = await store.open(cmd, new Date());
    expect(outcome.account.currency).toBe(`'\\;`);
    expect((await store.get(cmd.accountId))?.currency).toBe(`'\\;`);
    expect((await outbox(cmd.accountId))[0].payload.data.currency).toBe(`'\\;`);
  });

  it("lists a customer's accounts in opening order", async () => {
    const customerId = randomUUID();
    const ids = [randomUUID(), randomUUID()];
    await store.open({ accountId: ids[1], customerId, currency: 'EUR' }, new Date('2026-03-04T00:00:00.000Z'));
    await store.open({ accountId: ids[0], customerId, currency: 'EUR' }, new Date('2026-03-04T00:00:01.000Z'));
    expect((await store.list({ customerId, limit: 50 })).items.map((a) => a.accountId)).toEqual([ids[1], ids[0]]);
    expect(await store.get(randomUUID())).toBeNull();
  });
});

describe('AccountStore.applyCustomersCreated (two round trips)', () => {
  const withId = (e: ReturnType<typeof created>, id: string) => ({ ...e, id });

  it('validates at the earliest time of the batch, writes one account.validated, and absorbs a redelivered batch', async () => {
    const customerId = randomUUID();
    const account = { accountId: randomUUID(), customerId, currency: 'EUR' };
    const now = new Date('2026-04-01T00:00:00.000Z');
    await store.open(account, now);
    const late = withId(created(customerId, '2026-04-01T12:00:00.000Z'), randomUUID());
    const early = withId(created(customerId, '2026-04-01T06:00:00.000Z'), randomUUID());
    const batch = [late, early, late];
    // The outcome says what the batch did, for the caller's metrics: one copy refused, one account turned valid.
    expect(await store.applyCustomersCreated(batch, now)).toEqual({ fresh: 2, duplicates: 1, validatedOpenedAt: [now] });
    expect(await store.get(account.accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-04-01T06:00:00.000Z' });
    expect(await store.applyCustomersCreated(batch, now)).toEqual({ fresh: 0, duplicates: 3, validatedOpenedAt: [] });
    const rows = await outbox(account.accountId);
    expect(rows.map((r) => r.payload.type)).toEqual(['account.opened', 'account.validated']);
    expect(rows[1].payload.data.validatedAt).toBe('2026-04-01T06:00:00.000Z');
  });

  it("moves an account's validation earlier when an earlier creation arrives later, without a second account.validated", async () => {
    const customerId = randomUUID();
    const account = { accountId: randomUUID(), customerId, currency: 'EUR' };
    await store.open(account, new Date('2026-04-02T00:00:00.000Z'));
    await store.applyCustomersCreated([withId(created(customerId, '2026-04-02T09:00:00.000Z'), randomUUID())], new Date());
    await store.applyCustomersCreated([withId(created(customerId, '2026-04-02T03:00:00.000Z'), randomUUID())], new Date());
    expect(await store.get(account.accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-04-02T03:00:00.000Z' });
    const [{ created_at }] = await queryDatabase<{ created_at: Date }>(dbInfo.url, 'SELECT created_at FROM known_customer WHERE customer_id = $1', [
      customerId,
    ]);
    expect(created_at.toISOString()).toBe('2026-04-02T03:00:00.000Z');
    expect((await outbox(account.accountId)).filter((r) => r.payload.type === 'account.validated')).toHaveLength(1);
  });

  it('refuses an event with a NUL in its text as permanent (PostgreSQL cannot store it), writing nothing', async () => {
    const customerId = randomUUID();
    const nul = withId(created(customerId, '2026-04-04T00:00:00.000Z'), 'evil\u0000id');
    await expect(store.applyCustomersCreated([nul], new Date())).rejects.toBeInstanceOf(PermanentEventError);
    expect(await queryDatabase(dbInfo.url, 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId])).toHaveLength(0);
  });

  it('answers a transient error when its connection dies mid-batch, and the next batch applies', async () => {
    const customerId = randomUUID();
    const holder = new Client({ connectionString: dbInfo.url });
    await holder.connect();
    try {
      // Hold the customer's lock so the batch waits on it, then kill the waiting backend.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [customerId]);
      const batch = store.applyCustomersCreated([withId(created(customerId, '2026-04-05T00:00:00.000Z'), randomUUID())], new Date());
      batch.catch(() => undefined);
      await waitFor('the batch to wait on the lock', async () => {
        const rows = await holder.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'`);
        return rows.rowCount === 1 && (await holder.query('SELECT pg_terminate_backend($1)', [rows.rows[0].pid])).rowCount === 1;
      });
      const err = await batch.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isTransientDatabaseError(err)).toBe(true);
      await holder.query('ROLLBACK');
      expect((await store.applyCustomersCreated([withId(created(customerId, '2026-04-05T00:00:00.000Z'), randomUUID())], new Date())).fresh).toBe(1);
    } finally {
      await holder.end();
    }
  });

  it('rolls the whole batch back when a statement fails, leaving the connection usable', async () => {
    const customerId = randomUUID();
    const bad = { ...withId(created(customerId, 'not a time'), randomUUID()) };
    await expect(store.applyCustomersCreated([bad], new Date())).rejects.toThrow(/time|timestamp/i);
    const inbox = await queryDatabase(dbInfo.url, 'SELECT 1 FROM inbox WHERE event_id = $1', [bad.id]);
    expect(inbox).toHaveLength(0);
    const good = withId(created(customerId, '2026-04-03T00:00:00.000Z'), randomUUID());
    for (let i = 0; i < 12; i++) expect((await store.applyCustomersCreated([withId(good, randomUUID())], new Date())).fresh).toBe(1);
  });
});
