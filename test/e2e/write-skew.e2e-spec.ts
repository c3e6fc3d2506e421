import { randomUUID } from 'node:crypto';
import { queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { overlapping, watchLockWaits } from '../support/write-skew-race';
import { http, TestSystem } from '../support/system';

/**
 * The write-skew hazard: an account POST on one instance and the matching
 * customer.created consumed by another, at the same instant. Under READ COMMITTED
 * without the per-customer lock, each transaction can miss the other's row and
 * leave the account pending forever.
 *
 * Every account must end valid, and the load must have raced: customer locks seen
 * waited on, or pairs whose two transactions provably overlapped (see `overlapping`).
 * The negative controls are patches of the production SQL that take the lock away
 * (test/controls/join.controls.ts: open_accounts without its lock, the customer path
 * without its lock): under them this run leaves accounts pending.
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

async function simultaneousPairs(): Promise<Run & { system: TestSystem }> {
  const system = await TestSystem.start('skew');
  const httpOnly = (await system.startAccounts({ consumer: { enabled: false } })).url;
  await system.startAccounts({ consumer: { batchSize: 16 } });
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
  return { system, accountIds: pairs.map((p) => p.accountId), pending: Number(n), overlapping: await overlapping(system.accountsDb.url, pairs), lockWaits };
}

describe('with the per-customer lock', () => {
  let run: Run & { system: TestSystem };
  afterAll(() => run?.system.stop());

  it(`${PAIRS} simultaneous POST (instance A) + customer.created (consumed by instance B): every account valid, one account.validated each`, async () => {
    run = await simultaneousPairs();
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
