import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { duplicatesAbsorbed, queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * The customer service's relay "dies" after publishing and before marking its rows:
 * the transaction that held them rolls back, so the rows are published again. The
 * dedupe window is set short and passes before the retry, so JetStream keeps both
 * copies; the account service's inbox must absorb the second.
 *
 * The fault is the database's, installed by the test (no hook in the relay): a trigger
 * fails the relay's first mark after waiting out the dedupe window. It counts marks in a
 * sequence, which a rollback does not undo, so only the first fails.
 */
jest.setTimeout(60_000);

const DEDUPE_WINDOW_MS = 300;
let system: TestSystem;

const CRASH_FIRST_MARK = `
  CREATE SEQUENCE relay_marks;
  CREATE FUNCTION crash_first_mark() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF nextval('relay_marks') = 1 THEN
      PERFORM pg_sleep(${(DEDUPE_WINDOW_MS * 2) / 1000});
      RAISE EXCEPTION 'simulated crash between publish and mark';
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER crash_first_mark BEFORE UPDATE OF published_at ON outbox FOR EACH STATEMENT EXECUTE FUNCTION crash_first_mark();
`;

beforeAll(async () => {
  system = await TestSystem.start('relaycrash');
  await system.startAccounts({ duplicateWindowMs: DEDUPE_WINDOW_MS });
  await system.startCustomers({
    duplicateWindowMs: DEDUPE_WINDOW_MS,
    relay: { pollMs: 100 },
  });
  await queryDatabase(system.customersDb.url, CRASH_FIRST_MARK);
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
  expect(copies.map((m) => m.data.id)).toEqual([eventIds.customerCreated(customerId), eventIds.customerCreated(customerId)]);
  await waitFor(
    'the republished row to be marked',
    async () => (await queryDatabase<{ published_at: Date | null }>(system.customersDb.url, 'SELECT published_at FROM outbox'))[0].published_at !== null,
  );
  // Two marks: the first failed (the crash), the second marked the republished row.
  const [{ marks }] = await queryDatabase<{ marks: string }>(system.customersDb.url, 'SELECT last_value AS marks FROM relay_marks');
  expect(Number(marks)).toBe(2);

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
