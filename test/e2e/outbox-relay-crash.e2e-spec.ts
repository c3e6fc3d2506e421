import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { duplicatesAbsorbed, queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * The customer service's relay "dies" after publishing and before marking its rows:
 * the transaction that held them rolls back, so the rows are published again. The
 * dedupe window is set short and passes before the retry, so JetStream keeps both
 * copies; the account service's inbox must absorb the second.
 */
jest.setTimeout(60_000);

const DEDUPE_WINDOW_MS = 300;
let system: TestSystem;
let crashes = 0;

beforeAll(async () => {
  system = await TestSystem.start('relaycrash');
  await system.startAccounts({ duplicateWindowMs: DEDUPE_WINDOW_MS });
  await system.startCustomers({
    duplicateWindowMs: DEDUPE_WINDOW_MS,
    relay: {
      pollMs: 100,
      afterPublish: async (ids) => {
        if (crashes > 0 || ids.length === 0) return;
        crashes++;
        await new Promise((r) => setTimeout(r, DEDUPE_WINDOW_MS * 2));
        throw new Error('simulated crash between publish and mark');
      },
    },
  });
});
afterAll(() => system?.stop());

it('republishes the unmarked event, and the consumer applies it once', async () => {
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  await http(system.accounts[0].url, 'POST', '/accounts', { accountId, customerId });
  await http(system.customers[0].url, 'POST', '/customers', { customerId, name: 'Ada', email: 'ada@example.com' });

  const copies = await waitFor('two copies of customer.created on the stream', async () => {
    const msgs = await system.streamMessages('CUSTOMERS', `customer.created.${customerId}`);
    return msgs.length === 2 ? msgs : null;
  });
  expect(crashes).toBe(1);
  expect(copies.map((m) => m.data.id)).toEqual([eventIds.customerCreated(customerId), eventIds.customerCreated(customerId)]);
  const [marked] = await queryDatabase<{ published_at: Date | null }>(system.customersDb.url, 'SELECT published_at FROM outbox');
  expect(marked.published_at).not.toBeNull();

  await waitFor('the account to be valid', async () => (await http(system.accounts[0].url, 'GET', `/accounts/${accountId}`)).body.status === 'valid');
  // Both copies were delivered and acknowledged, so both transactions committed: the
  // first validated the account, the inbox turned the second away (counted, no effect).
  await waitForAckFloor(system.jsm, copies[1].seq);
  expect(await duplicatesAbsorbed(system.accounts[0].url)).toBe(1);
  const inbox = await queryDatabase(system.accountsDb.url, 'SELECT * FROM inbox WHERE event_id = $1', [eventIds.customerCreated(customerId)]);
  expect(inbox).toHaveLength(1);
  await waitFor(
    'the account service outbox to publish',
    async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length === 0,
  );
  expect(await system.streamMessages('ACCOUNTS', `account.validated.${accountId}`)).toHaveLength(1);
});
