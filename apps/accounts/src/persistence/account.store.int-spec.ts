import { randomUUID } from 'node:crypto';
import { accountOpened, customerCreated, eventIds, PermanentEventError, accountRejected, accountValidated } from '@calm/contracts';
import { Client } from 'pg';
import { isTransientDatabaseError } from '@calm/pg';
import { queryDatabase, waitFor } from '@calm/testing';
import { accountStoreDatabase } from '../../../../test/support/account-store-database';

const fx = accountStoreDatabase('account_store');

const outbox = (accountId: string) =>
  queryDatabase<{ event_id: string; subject: string; payload: Record<string, any> }>(
    fx.url,
    `SELECT event_id, subject, payload FROM outbox WHERE payload->'data'->>'accountId' = $1 ORDER BY id`,
    [accountId],
  );

const created = (customerId: string, time: string) => customerCreated({ customerId, name: 'N', email: 'n@example.com' }, time, '/test');

describe('AccountStore.open (one round trip)', () => {
  it('opens a shell account with its account.opened event when the customer is unknown', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
    const now = new Date('2026-03-01T10:00:00.123Z');
    const outcome = await fx.store.open(cmd, now);
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

  /** The two outcomes a POST can reach at once: the customer's fact already known, and the event of that outcome. */
  const outcomes = [
    {
      status: 'valid',
      fact: 'known_customer (customer_id, created_at)',
      times: (at: string) => ({ validatedAt: at, rejectedAt: null }),
      event: (accountId: string, customerId: string, at: string, now: string) => ({
        event_id: eventIds.accountValidated(accountId),
        subject: `account.validated.${accountId}`,
        payload: accountValidated({ accountId, customerId, validatedAt: at }, now),
      }),
    },
    {
      status: 'rejected',
      fact: 'sealed_customer (customer_id, sealed_at)',
      times: (at: string) => ({ validatedAt: null, rejectedAt: at }),
      event: (accountId: string, customerId: string, at: string, now: string) => ({
        event_id: eventIds.accountRejected(accountId),
        subject: `account.rejected.${accountId}`,
        payload: accountRejected({ accountId, customerId, rejectedAt: at }, now),
      }),
    },
  ] as const;
  const factTimes = [
    ['before', '2026-03-01T09:00:00.000456Z', '2026-03-01T10:00:00.123Z'],
    ['after', '2026-03-01T11:30:00.987654Z', '2026-03-01T11:30:00.987Z'],
  ] as const;

  it.each(outcomes.flatMap((o) => factTimes.map(([when, factAt, expected]) => [o.status, when, o, factAt, expected] as const)))(
    "is %s at once when its customer's fact is known (from %s the opening), with the contract's outcome event",
    async (status, _, o, factAt, expected) => {
      const customerId = randomUUID();
      await queryDatabase(fx.url, `INSERT INTO ${o.fact} VALUES ($1, $2)`, [customerId, factAt]);
      const cmd = { accountId: randomUUID(), customerId, currency: 'USD' };
      const now = new Date('2026-03-01T10:00:00.123Z');
      const outcome = await fx.store.open(cmd, now);
      expect(outcome).toEqual({ kind: 'created', account: { ...cmd, status, openedAt: now.toISOString(), ...o.times(expected) } });
      // open_account builds the outcome's event in SQL: it must be the contract's, field for field.
      expect(await outbox(cmd.accountId)).toEqual([
        {
          event_id: eventIds.accountOpened(cmd.accountId),
          subject: `account.opened.${cmd.accountId}`,
          payload: accountOpened({ ...cmd, openedAt: now.toISOString() }),
        },
        o.event(cmd.accountId, customerId, expected, now.toISOString()),
      ]);
      expect(await fx.store.get(cmd.accountId)).toEqual(outcome.account);
    },
  );

  it('reaches the same account and event whichever fact comes second', async () => {
    const now = new Date('2026-03-02T08:00:00.000Z');
    const time = '2026-03-02T09:15:00.250Z';
    const [first, second] = [randomUUID(), randomUUID()];
    // account first, then the customer
    const a = { accountId: randomUUID(), customerId: first, currency: 'EUR' };
    await fx.store.open(a, now);
    await fx.store.applyCustomersCreated([created(first, time)], now);
    // customer first, then the account
    const b = { accountId: randomUUID(), customerId: second, currency: 'EUR' };
    await fx.store.applyCustomersCreated([created(second, time)], now);
    await fx.store.open(b, now);
    const [ga, gb] = [await fx.store.get(a.accountId), await fx.store.get(b.accountId)];
    expect(ga).toMatchObject({ status: 'valid', validatedAt: time });
    expect(gb).toMatchObject({ status: 'valid', validatedAt: time });
    expect((await outbox(a.accountId))[1].payload.data).toEqual({ accountId: a.accountId, customerId: first, validatedAt: time });
    expect((await outbox(b.accountId))[1].payload.data).toEqual({ accountId: b.accountId, customerId: second, validatedAt: time });
  });

  it('answers a repeat with the current account and a conflicting repeat as a conflict, writing nothing', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
    const first = await fx.store.open(cmd, new Date('2026-03-03T00:00:00.000Z'));
    expect(await fx.store.open(cmd, new Date('2026-03-03T00:00:05.000Z'))).toEqual({ kind: 'unchanged', account: first.account });
    expect(await fx.store.open({ ...cmd, currency: 'GBP' }, new Date())).toEqual({ kind: 'conflict', account: first.account });
    expect(await fx.store.open({ ...cmd, customerId: randomUUID() }, new Date())).toEqual({ kind: 'conflict', account: first.account });
    expect(await outbox(cmd.accountId)).toHaveLength(1);
  });

  it('stores quotes and backslashes literally (the one-message path quotes every value)', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: `'\\;` };
    const outcome = await fx.store.open(cmd, new Date());
    expect(outcome.account.currency).toBe(`'\\;`);
    expect((await fx.store.get(cmd.accountId))?.currency).toBe(`'\\;`);
    expect((await outbox(cmd.accountId))[0].payload.data.currency).toBe(`'\\;`);
  });

  it("lists a customer's accounts in opening order", async () => {
    const customerId = randomUUID();
    const ids = [randomUUID(), randomUUID()];
    await fx.store.open({ accountId: ids[1], customerId, currency: 'EUR' }, new Date('2026-03-04T00:00:00.000Z'));
    await fx.store.open({ accountId: ids[0], customerId, currency: 'EUR' }, new Date('2026-03-04T00:00:01.000Z'));
    expect((await fx.store.list({ customerId, limit: 50 })).items.map((a) => a.accountId)).toEqual([ids[1], ids[0]]);
    expect(await fx.store.get(randomUUID())).toBeNull();
  });
});

describe('AccountStore.applyCustomersCreated (two round trips)', () => {
  const withId = (e: ReturnType<typeof created>, id: string) => ({ ...e, id });

  it('validates at the earliest time of the batch, writes one account.validated, and absorbs a redelivered batch', async () => {
    const customerId = randomUUID();
    const account = { accountId: randomUUID(), customerId, currency: 'EUR' };
    const now = new Date('2026-04-01T00:00:00.000Z');
    await fx.store.open(account, now);
    const late = withId(created(customerId, '2026-04-01T12:00:00.000Z'), randomUUID());
    const early = withId(created(customerId, '2026-04-01T06:00:00.000Z'), randomUUID());
    const batch = [late, early, late];
    // The outcome says what the batch did, for the caller's metrics: one copy refused, one account turned valid.
    expect(await fx.store.applyCustomersCreated(batch, now)).toEqual({ fresh: 2, duplicates: 1, validatedOpenedAt: [now] });
    expect(await fx.store.get(account.accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-04-01T06:00:00.000Z' });
    expect(await fx.store.applyCustomersCreated(batch, now)).toEqual({ fresh: 0, duplicates: 3, validatedOpenedAt: [] });
    const rows = await outbox(account.accountId);
    expect(rows.map((r) => r.payload.type)).toEqual(['account.opened', 'account.validated']);
    expect(rows[1].payload.data.validatedAt).toBe('2026-04-01T06:00:00.000Z');
  });

  it("moves an account's validation earlier when an earlier creation arrives later, without a second account.validated", async () => {
    const customerId = randomUUID();
    const account = { accountId: randomUUID(), customerId, currency: 'EUR' };
    await fx.store.open(account, new Date('2026-04-02T00:00:00.000Z'));
    await fx.store.applyCustomersCreated([withId(created(customerId, '2026-04-02T09:00:00.000Z'), randomUUID())], new Date());
    await fx.store.applyCustomersCreated([withId(created(customerId, '2026-04-02T03:00:00.000Z'), randomUUID())], new Date());
    expect(await fx.store.get(account.accountId)).toMatchObject({ status: 'valid', validatedAt: '2026-04-02T03:00:00.000Z' });
    const [{ created_at }] = await queryDatabase<{ created_at: Date }>(fx.url, 'SELECT created_at FROM known_customer WHERE customer_id = $1', [customerId]);
    expect(created_at.toISOString()).toBe('2026-04-02T03:00:00.000Z');
    expect((await outbox(account.accountId)).filter((r) => r.payload.type === 'account.validated')).toHaveLength(1);
  });

  it('refuses an event with a NUL in its text as permanent (PostgreSQL cannot store it), writing nothing', async () => {
    const customerId = randomUUID();
    const nul = withId(created(customerId, '2026-04-04T00:00:00.000Z'), 'evil\u0000id');
    await expect(fx.store.applyCustomersCreated([nul], new Date())).rejects.toBeInstanceOf(PermanentEventError);
    expect(await queryDatabase(fx.url, 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId])).toHaveLength(0);
  });

  it('answers a transient error when its connection dies mid-batch, and the next batch applies', async () => {
    const customerId = randomUUID();
    const holder = new Client({ connectionString: fx.url });
    await holder.connect();
    try {
      // Hold the customer's lock so the batch waits on it, then kill the waiting backend.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [customerId]);
      const batch = fx.store.applyCustomersCreated([withId(created(customerId, '2026-04-05T00:00:00.000Z'), randomUUID())], new Date());
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
      expect((await fx.store.applyCustomersCreated([withId(created(customerId, '2026-04-05T00:00:00.000Z'), randomUUID())], new Date())).fresh).toBe(1);
    } finally {
      await holder.end();
    }
  });

  it('rolls the whole batch back when a statement fails, leaving the connection usable', async () => {
    const customerId = randomUUID();
    const bad = { ...withId(created(customerId, 'not a time'), randomUUID()) };
    await expect(fx.store.applyCustomersCreated([bad], new Date())).rejects.toThrow(/time|timestamp/i);
    const inbox = await queryDatabase(fx.url, 'SELECT 1 FROM inbox WHERE event_id = $1', [bad.id]);
    expect(inbox).toHaveLength(0);
    const good = withId(created(customerId, '2026-04-03T00:00:00.000Z'), randomUUID());
    for (let i = 0; i < 12; i++) expect((await fx.store.applyCustomersCreated([withId(good, randomUUID())], new Date())).fresh).toBe(1);
  });
});

describe('AccountStore wakes the relay after each commit that wrote outbox rows', () => {
  it('once per account opened, once per batch of fresh customer facts, never for a repeat', async () => {
    const cmd = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
    const woken = async (write: () => Promise<unknown>) => {
      const before = fx.wakes;
      await write();
      return fx.wakes - before;
    };
    expect(await woken(() => fx.store.open(cmd, new Date()))).toBe(1);
    expect(await woken(() => fx.store.open(cmd, new Date()))).toBe(0);
    const batch = [created(cmd.customerId, '2026-04-06T00:00:00.000Z')];
    expect(await woken(() => fx.store.applyCustomersCreated(batch, new Date()))).toBe(1);
    expect(await woken(() => fx.store.applyCustomersCreated(batch, new Date()))).toBe(0);
    const owner = { customerId: randomUUID(), state: 'sealed' as const, sealedAt: '2026-04-06T00:00:00.000Z' };
    expect(await woken(() => fx.store.applyOwnerDecision(owner, new Date()))).toBe(1);
  });
});
