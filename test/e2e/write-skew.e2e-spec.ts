import { randomUUID } from 'node:crypto';
import { queryDatabase, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * The write-skew hazard: an account POST on one instance and the matching
 * customer.created consumed by another, at the same instant. Under READ COMMITTED
 * without the per-customer lock, each transaction can miss the other's row and
 * leave the account pending forever.
 */
const PAIRS = Number(process.env.WRITE_SKEW_PAIRS ?? 600);
const WAVE = 30;

jest.setTimeout(180_000);

let system: TestSystem;
let httpOnly: string;

beforeAll(async () => {
  system = await TestSystem.start('skew');
  httpOnly = (await system.startAccounts({ consumer: { enabled: false } })).url;
  await system.startAccounts({ consumer: { batchSize: 16 } });
});
afterAll(() => system?.stop());

it(`${PAIRS} simultaneous POST (instance A) + customer.created (consumed by instance B): every account valid, one account.validated each`, async () => {
  const accountIds: string[] = [];
  for (let wave = 0; wave < PAIRS / WAVE; wave++) {
    await Promise.all(
      Array.from({ length: WAVE }, async () => {
        const [accountId, customerId] = [randomUUID(), randomUUID()];
        accountIds.push(accountId);
        const [res] = await Promise.all([http(httpOnly, 'POST', '/accounts', { accountId, customerId }), system.publishCustomerCreated(customerId)]);
        expect([200, 201]).toContain(res.status);
      }),
    );
  }
  const pending = () => queryDatabase<{ n: string }>(system.accountsDb.url, `SELECT count(*) AS n FROM account WHERE status = 'pending'`);
  await waitFor('every account to be valid', async () => Number((await pending())[0].n) === 0, 60_000, 200);
  const [{ n }] = await queryDatabase<{ n: string }>(system.accountsDb.url, `SELECT count(*) AS n FROM account WHERE status = 'valid'`);
  expect(Number(n)).toBe(PAIRS);

  const validated = await waitFor(
    'the outbox to publish every account.validated',
    async () => {
      const msgs = await system.streamMessages('ACCOUNTS', 'account.validated.>');
      return msgs.length >= PAIRS ? msgs : null;
    },
    60_000,
    500,
  );
  const perAccount = new Map<string, number>();
  for (const m of validated) perAccount.set(m.subject, (perAccount.get(m.subject) ?? 0) + 1);
  expect(perAccount.size).toBe(PAIRS);
  expect([...perAccount.values()].every((c) => c === 1)).toBe(true);
  expect(new Set(validated.map((m) => m.subject.split('.').pop()))).toEqual(new Set(accountIds));
});
