import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { queryDatabase, waitFor } from '@calm/testing';
import { replayCli } from '../../../test/support/replay-cli';
import { http, TestSystem } from '../../../test/support/system';

/**
 * A broker that lost events it acknowledged: the services' outboxes still say each was
 * stored. verify names every event the streams lack; rebuild refuses to drop the live
 * rows that rest on them unless told to (--allow-missing).
 */
jest.setTimeout(180_000);

let system: TestSystem;
const cli = (...argv: string[]) => replayCli(system, ...argv);
const accountRows = () => queryDatabase(system.accountsDb.url, 'SELECT * FROM account ORDER BY account_id');
const customerRows = () => queryDatabase(system.customersDb.url, 'SELECT * FROM customer ORDER BY customer_id');
const unpublished = async (url: string) => (await queryDatabase(url, 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length;

const [lostAccount, keptAccount, lostCustomer] = [randomUUID(), randomUUID(), randomUUID()];
const lostAccountPending = randomUUID();

/** Deletes the one message of `subject` from its stream (the broker forgot it); returns its event id. */
async function forget(stream: string, subject: string): Promise<string> {
  const [m] = await system.streamMessages(stream, subject);
  expect(await system.jsm.streams.deleteMessage(stream, m.seq)).toBe(true);
  return (m.data as { id: string }).id;
}

beforeAll(async () => {
  system = await TestSystem.start('replay_missing');
  const accounts = (await system.startAccounts()).url;
  const customers = (await system.startCustomers()).url;
  expect((await http(customers, 'POST', '/customers', { customerId: lostCustomer, name: 'Lost', email: 'lost@example.com' })).status).toBe(201);
  for (const [accountId, customerId] of [
    [lostAccount, randomUUID()],
    [keptAccount, lostCustomer],
    [lostAccountPending, randomUUID()],
  ])
    expect((await http(accounts, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  await waitFor('the kept account valid', async () => (await http(accounts, 'GET', `/accounts/${keptAccount}`)).body.status === 'valid');
  await waitFor('the outboxes to publish', async () => (await unpublished(system.accountsDb.url)) + (await unpublished(system.customersDb.url)) === 0);
  for (const svc of [...system.accounts, ...system.customers]) await svc.app.close();
  system.accounts.length = 0;
  system.customers.length = 0;
  expect(await forget('ACCOUNTS', `account.opened.${lostAccount}`)).toBe(eventIds.accountOpened(lostAccount));
  expect(await forget('CUSTOMERS', `customer.created.${lostCustomer}`)).toBe(eventIds.customerCreated(lostCustomer));
});
afterAll(() => system?.stop());

const missingLine = (subject: string, eventId: string, service: string) =>
  new RegExp(
    `missing: ${subject.replace(/\./g, '\\.')} \\(event ${eventId}\\): the ${service} outbox \\(row \\d+\\) says it was stored at \\S+Z, the stream does not hold it`,
  );

it('verify names each event the streams lack that an outbox says was stored, exit 1', async () => {
  const accounts = await cli('verify', 'accounts');
  process.stdout.write(`--- verify accounts, events lost by the broker (exit ${accounts.code})\n${accounts.out}\n`);
  expect(accounts.code).toBe(1);
  expect(accounts.out).toMatch(missingLine(`account.opened.${lostAccount}`, eventIds.accountOpened(lostAccount), 'accounts'));
  expect(accounts.out).toMatch(missingLine(`customer.created.${lostCustomer}`, eventIds.customerCreated(lostCustomer), 'customers'));
  expect(accounts.out).toContain('2 events the outboxes say were stored are missing from the streams');
  const customers = await cli('verify', 'customers');
  expect(customers.code).toBe(1);
  expect(customers.out).toMatch(missingLine(`customer.created.${lostCustomer}`, eventIds.customerCreated(lostCustomer), 'customers'));
  expect(customers.out).not.toContain(`account.opened.${lostAccount}`);
});

it('rebuild refuses (exit 1) while live rows would be dropped, names each, and changes nothing', async () => {
  const before = { accounts: await accountRows(), customers: await customerRows() };
  const accounts = await cli('rebuild', 'accounts');
  expect(accounts.code).toBe(1);
  expect(accounts.err).toMatch(/refusing to rebuild accounts: 2 live rows would be dropped .*--allow-missing/);
  expect(accounts.out).toContain(`would drop: account ${lostAccount} (its account.opened ${eventIds.accountOpened(lostAccount)} is missing from the stream)`);
  expect(accounts.out).toContain(`would drop: known_customer ${lostCustomer} (its customer.created ${eventIds.customerCreated(lostCustomer)} is missing`);
  const customers = await cli('rebuild', 'customers');
  expect(customers.code).toBe(1);
  expect(customers.out).toContain(`would drop: customer ${lostCustomer}`);
  expect({ accounts: await accountRows(), customers: await customerRows() }).toEqual(before);
  expect(before.accounts.map((a) => a.account_id)).toContain(lostAccount);
});

it('rebuild --allow-missing replaces the state without them; the next rebuild has nothing left to drop', async () => {
  const r = await cli('rebuild', 'accounts', '--allow-missing');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`would drop: account ${lostAccount}`);
  const ids = (await accountRows()).map((a) => a.account_id);
  expect(ids).not.toContain(lostAccount);
  expect(ids).toEqual(expect.arrayContaining([keptAccount, lostAccountPending]));
  // The kept account's customer is gone from the history too: its account is pending again.
  expect((await accountRows()).find((a) => a.account_id === keptAccount)).toMatchObject({ status: 'pending', validated_at: null });
  // The events are still missing (verify says so), but no live row rests on them now.
  const again = await cli('rebuild', 'accounts');
  expect(again.code).toBe(0);
  expect(again.out).toMatch(missingLine(`account.opened.${lostAccount}`, eventIds.accountOpened(lostAccount), 'accounts'));
  expect(again.out).not.toContain('would drop');
});
