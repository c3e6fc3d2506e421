import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { JoinSqlOptions } from '../../apps/accounts/src/persistence/join-sql.options';
import { Client } from 'pg';
import { http, TestSystem } from '../support/system';

/**
 * The write-skew hazard: an account POST on one instance and the matching
 * customer.created consumed by another, at the same instant. Under READ COMMITTED
 * without the per-customer lock, each transaction can miss the other's row and
 * leave the account pending forever.
 *
 * The same load runs twice, each on its own system: with the lock (every account must
 * end valid) and, as the negative control, with the lock switched off through the
 * test-only `joinSql` tuning (some accounts must stay pending: without that, the locked
 * run would prove nothing). Both runs also count the pairs whose two transactions
 * provably overlapped (see `overlapping`).
 */
const PAIRS = Number(process.env.WRITE_SKEW_PAIRS ?? 600);
const WAVE = 30;

jest.setTimeout(240_000);

interface Run {
  accountIds: string[];
  pending: number;
  overlapping: number;
  /** Distinct customer locks seen waited on while the load ran (the lock serialising a real race). */
  lockWaits: number;
}

/**
 * Polls pg_locks while the load runs and collects the advisory locks some transaction
 * was waiting for. Each key is one customer; only its POST and its event take that
 * lock, so a wait is a POST and an event of one customer in flight at the same time.
 * Sampling can miss waits (a lower bound), never invent one.
 */
function watchLockWaits(url: string): { stop: () => Promise<number> } {
  const seen = new Set<string>();
  let running = true;
  const client = new Client({ connectionString: url });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ k: string }>(
        `SELECT classid::text || ':' || objid::text AS k FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      for (const r of rows) seen.add(r.k);
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen.size;
    },
  };
}

async function simultaneousPairs(joinSql: JoinSqlOptions): Promise<Run & { system: TestSystem }> {
  const system = await TestSystem.start(joinSql.lockCustomers ? 'skew' : 'skewctl');
  const httpOnly = (await system.startAccounts({ consumer: { enabled: false }, joinSql })).url;
  await system.startAccounts({ consumer: { batchSize: 16 }, joinSql });
  const pairs: { accountId: string; customerId: string; eventId: string; validAtPost: boolean }[] = [];
  const waits = watchLockWaits(system.accountsDb.url);
  for (let wave = 0; wave < PAIRS / WAVE; wave++) {
    await Promise.all(
      Array.from({ length: WAVE }, async () => {
        const [accountId, customerId] = [randomUUID(), randomUUID()];
        const [res, event] = await Promise.all([http(httpOnly, 'POST', '/accounts', { accountId, customerId }), system.publishCustomerCreated(customerId)]);
        expect([200, 201]).toContain(res.status);
        pairs.push({ accountId, customerId, eventId: event.id, validAtPost: res.body.status === 'valid' });
      }),
    );
  }
  const lockWaits = await waits.stop();
  const lastSeq = (await system.jsm.streams.info('CUSTOMERS')).state.last_seq;
  // Quiet: every event consumed and committed, every outbox row published.
  await waitForAckFloor(system.jsm, lastSeq, { timeoutMs: 60_000 });
  await waitFor(
    'the outbox to be published',
    async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length === 0,
    60_000,
    200,
  );
  const [{ n }] = await queryDatabase<{ n: string }>(system.accountsDb.url, `SELECT count(*) AS n FROM account WHERE status = 'pending'`);
  return { system, accountIds: pairs.map((p) => p.accountId), pending: Number(n), overlapping: await overlapping(system, pairs), lockWaits };
}

/**
 * Pairs whose two transactions were provably open at the same time, from what each saw
 * and the database's own clock (now() is a transaction's start: outbox.created_at of
 * account.opened for the POST, inbox.received_at for the customer batch):
 * - neither saw the other (the account is still pending): each read before the other committed;
 * - the POST started first and still saw the customer: it was open while the customer committed;
 * - the customer started first and the POST did not see it: it was open while the POST read.
 * A race the lock serialised looks like a sequential run here; watchLockWaits sees those.
 */
async function overlapping(system: TestSystem, pairs: { accountId: string; eventId: string; validAtPost: boolean }[]): Promise<number> {
  const micros = (table: string, column: string, ids: string[]) =>
    queryDatabase<{ event_id: string; t: string }>(
      system.accountsDb.url,
      `SELECT event_id, (extract(epoch FROM ${column}) * 1000000)::bigint::text AS t FROM ${table} WHERE event_id = ANY($1)`,
      [ids],
    ).then((rows) => new Map(rows.map((r) => [r.event_id, BigInt(r.t)])));
  const postStarted = await micros(
    'outbox',
    'created_at',
    pairs.map((p) => eventIds.accountOpened(p.accountId)),
  );
  const eventStarted = await micros(
    'inbox',
    'received_at',
    pairs.map((p) => p.eventId),
  );
  const pending = new Set(
    (
      await queryDatabase<{ account_id: string }>(system.accountsDb.url, `SELECT account_id FROM account WHERE status = 'pending' AND account_id = ANY($1)`, [
        pairs.map((p) => p.accountId),
      ])
    ).map((r) => r.account_id),
  );
  return pairs.filter((p) => {
    if (pending.has(p.accountId)) return true;
    const [post, event] = [postStarted.get(eventIds.accountOpened(p.accountId))!, eventStarted.get(p.eventId)!];
    return p.validAtPost ? post < event : event < post;
  }).length;
}

describe('with the per-customer lock', () => {
  let run: Run & { system: TestSystem };
  afterAll(() => run?.system.stop());

  it(`${PAIRS} simultaneous POST (instance A) + customer.created (consumed by instance B): every account valid, one account.validated each`, async () => {
    run = await simultaneousPairs({ lockCustomers: true });
    process.stdout.write(
      `write skew, locked: ${PAIRS} pairs, ${run.lockWaits} customer locks seen waited on, ${run.overlapping} provably overlapping, ${run.pending} left pending\n`,
    );
    // The load raced: some POST and event of one customer were in flight together.
    expect(run.lockWaits + run.overlapping).toBeGreaterThan(0);
    expect(run.pending).toBe(0);
    const [{ n }] = await queryDatabase<{ n: string }>(run.system.accountsDb.url, `SELECT count(*) AS n FROM account WHERE status = 'valid'`);
    expect(Number(n)).toBe(PAIRS);
    const validated = await run.system.streamMessages('ACCOUNTS', 'account.validated.>');
    const perAccount = new Map<string, number>();
    for (const m of validated) perAccount.set(m.subject.split('.').pop()!, (perAccount.get(m.subject.split('.').pop()!) ?? 0) + 1);
    expect(new Set(perAccount.keys())).toEqual(new Set(run.accountIds));
    expect([...perAccount.values()].filter((c) => c !== 1)).toEqual([]);
  });
});

describe('negative control: the same load with the lock switched off', () => {
  let run: Run & { system: TestSystem };
  afterAll(() => run?.system.stop());

  it('leaves accounts pending for good', async () => {
    run = await simultaneousPairs({ lockCustomers: false });
    process.stdout.write(
      `write skew, UNLOCKED: ${PAIRS} pairs, ${run.lockWaits} customer locks seen waited on, ${run.overlapping} provably overlapping, ${run.pending} left pending\n`,
    );
    expect(run.lockWaits).toBe(0); // the switch really took the lock away
    expect(run.pending).toBeGreaterThan(0);
  });
});
