import { randomUUID } from 'node:crypto';
import { CloudEvent, eventIds } from '@calm/contracts';
import { queryDatabase, waitFor } from '@calm/testing';
import { ACCOUNT_JOIN_V2 } from '../../../apps/accounts/src/join/account-join.function';
import { replayCli } from '../../../test/support/replay-cli';
import { http, TestSystem } from '../../../test/support/system';

/**
 * `verify` judges by the TypeScript fold, never by the database function it checks: a
 * wrong live join, a lost outcome event and an outcome event with another time each
 * exit 1 and name the account. Each damage is undone before the next, so each exit 1 is
 * that damage's alone.
 */
jest.setTimeout(180_000);

let system: TestSystem;
let accountsUrl: string;
let customersUrl: string;
const valid: string[] = [];
const rejected: string[] = [];
const pending: string[] = [];

const cli = (...argv: string[]) => replayCli(system, ...argv);
const rows = <T = Record<string, any>>(sql: string, params: unknown[] = []) => queryDatabase<T>(system.accountsDb.url, sql, params);
const statusOf = async (id: string) => (await rows('SELECT status FROM account WHERE account_id = $1', [id]))[0]?.status;

/** Prints a verify run's output, so the report shows what an operator sees. */
function show(title: string, r: { code: number; out: string; err: string }): void {
  process.stdout.write(`--- ${title} (exit ${r.code})\n${r.out}\n${r.err}\n`);
}

async function newCustomer(): Promise<string> {
  const customerId = randomUUID();
  expect((await http(customersUrl, 'POST', '/customers', { customerId, name: 'N', email: 'n@example.com' })).status).toBe(201);
  return customerId;
}

async function openAccount(customerId: string): Promise<string> {
  const accountId = randomUUID();
  expect((await http(accountsUrl, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  return accountId;
}

const outboxPublished = () => rows('SELECT 1 FROM outbox WHERE published_at IS NULL').then((r) => r.length === 0);

beforeAll(async () => {
  system = await TestSystem.start('verify_fold');
  accountsUrl = (await system.startAccounts()).url;
  customersUrl = (await system.startCustomers()).url;
  for (let i = 0; i < 3; i++) {
    // Account first, then its customer; and customer first, then the account.
    const later = randomUUID();
    const first = await openAccount(later);
    expect((await http(customersUrl, 'POST', '/customers', { customerId: later, name: 'L', email: 'l@example.com' })).status).toBe(201);
    const early = await newCustomer();
    await waitFor('the customer to be known', async () => (await rows('SELECT 1 FROM known_customer WHERE customer_id = $1', [early])).length === 1);
    valid.push(first, await openAccount(early));
    const sealed = randomUUID();
    rejected.push(await openAccount(sealed));
    expect((await http(customersUrl, 'POST', `/customers/${sealed}/seal`)).status).toBe(201);
    pending.push(await openAccount(randomUUID()));
  }
  await waitFor('every outcome', async () => {
    const s = await Promise.all([...valid, ...rejected].map(statusOf));
    return s.every((x, i) => x === (i < valid.length ? 'valid' : 'rejected'));
  });
  await waitFor('the outbox to publish', outboxPublished);
});
afterAll(() => system?.stop());

/** The one message on ACCOUNTS for `subject`, with its sequence. */
async function onlyMessage(subject: string): Promise<{ seq: number; data: CloudEvent }> {
  const found = await system.streamMessages('ACCOUNTS', subject);
  expect(found).toHaveLength(1);
  return found[0];
}

it('verify exits 0 on the history the services wrote (the positive control)', async () => {
  const r = await cli('verify', 'accounts');
  expect(r.code).toBe(0);
  expect(r.out).toContain('live state equals the folded history');
  expect((await cli('verify', 'customers')).code).toBe(0);
});

it('a deleted outcome event (stream and outbox row gone): verify exits 1 naming each account', async () => {
  const lost = [
    { accountId: valid[0], type: 'account.validated', id: eventIds.accountValidated(valid[0]) },
    { accountId: rejected[0], type: 'account.rejected', id: eventIds.accountRejected(rejected[0]) },
  ];
  const saved: { subject: string; data: CloudEvent }[] = [];
  for (const l of lost) {
    const subject = `${l.type}.${l.accountId}`;
    const m = await onlyMessage(subject);
    expect(m.data.id).toBe(l.id);
    saved.push({ subject, data: m.data });
    expect(await system.jsm.streams.deleteMessage('ACCOUNTS', m.seq)).toBe(true);
    // Past the outbox's retention: only the fold can tell that the event is owed.
    await rows('DELETE FROM outbox WHERE event_id = $1', [l.id]);
  }
  const r = await cli('verify', 'accounts');
  show('verify accounts, outcome events deleted', r);
  expect(r.code).toBe(1);
  expect(r.out).toContain(`account ${valid[0]}: valid in the fold, but the stream holds no account.validated`);
  expect(r.out).toContain(`account ${rejected[0]}: rejected in the fold, but the stream holds no account.rejected`);
  // Put back (a copy: the deleted message's id is still in the duplicate window), and it passes again.
  for (const s of saved) await system.js.publish(s.subject, JSON.stringify(s.data));
  expect((await cli('verify', 'accounts')).code).toBe(0);
});

it('an outcome event with another time, or for a pending account: verify exits 1 naming each', async () => {
  const original = (await onlyMessage(`account.validated.${valid[1]}`)).data as CloudEvent<string, { accountId: string; validatedAt: string }>;
  const shifted = new Date(Date.parse(original.data.validatedAt) + 1000).toISOString();
  const other = { ...original, time: shifted, data: { ...original.data, validatedAt: shifted } };
  const forPending = { ...original, id: eventIds.accountValidated(pending[0]), subject: pending[0], data: { ...original.data, accountId: pending[0] } };
  const copies = [
    await system.js.publish(`account.validated.${valid[1]}`, JSON.stringify(other)),
    await system.js.publish(`account.validated.${pending[0]}`, JSON.stringify(forPending)),
  ];
  const r = await cli('verify', 'accounts');
  show('verify accounts, an outcome event with another time', r);
  expect(r.code).toBe(1);
  expect(r.out).toContain(
    `account ${valid[1]}: account.validated ${original.id} (ACCOUNTS seq ${copies[0].seq}) says validatedAt=${shifted}, the fold's is ${original.data.validatedAt}`,
  );
  expect(r.out).toContain(`account ${pending[0]}: account.validated ${forPending.id} (ACCOUNTS seq ${copies[1].seq}) for an account the fold leaves pending`);
  for (const c of copies) await system.jsm.streams.deleteMessage('ACCOUNTS', c.seq);
  // The copies were the stream's last messages: the read still ends at the stream's end.
  expect((await cli('verify', 'accounts')).code).toBe(0);
});

it('a wrong live join (the earlier time instead of the later): verify exits 1 naming the accounts it wrote', async () => {
  // Installed in the live database only; the services' statements inline it from now on.
  await rows(ACCOUNT_JOIN_V2.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace(/GREATEST/g, 'LEAST'));
  const customerFirst = await newCustomer();
  await waitFor('the customer to be known', async () => (await rows('SELECT 1 FROM known_customer WHERE customer_id = $1', [customerFirst])).length === 1);
  const accountAfter = await openAccount(customerFirst);
  const customerLater = randomUUID();
  const accountBefore = await openAccount(customerLater);
  expect((await http(customersUrl, 'POST', '/customers', { customerId: customerLater, name: 'L', email: 'l@example.com' })).status).toBe(201);
  await waitFor('both accounts valid', async () => (await statusOf(accountBefore)) === 'valid' && (await statusOf(accountAfter)) === 'valid');
  const facts = await rows<{ account_id: string; opened: string; created: string; validated: string }>(
    `SELECT a.account_id::text, to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS opened,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created,
            to_char(validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS validated
     FROM account a JOIN known_customer USING (customer_id) WHERE a.account_id = ANY($1::uuid[]) ORDER BY 1`,
    [[accountAfter, accountBefore]],
  );
  // The fault landed: each live time is the EARLIER of the two facts, where the contract says the later.
  for (const f of facts) {
    expect(f.opened).not.toBe(f.created);
    expect(f.validated).toBe(f.opened < f.created ? f.opened : f.created);
  }
  await waitFor('the outbox to publish', outboxPublished);
  const r = await cli('verify', 'accounts');
  show('verify accounts, a wrong live account_join', r);
  expect(r.code).toBe(1);
  for (const f of facts) {
    const later = f.opened < f.created ? f.created : f.opened;
    expect(r.out).toContain(`account ${f.account_id}: validated_at live=${f.validated} expected=${later}`);
  }
  // Judged by the fold, the accounts the right join wrote are right (a judge using the
  // live function blames them instead, and passes the ones above).
  for (const id of [...valid, ...rejected, ...pending]) expect(r.out).not.toContain(id);
});

it('verify customers folds every event on CUSTOMERS, whatever its source field claims', async () => {
  // Only the owner may publish there (the NATS roles enforce it); this broker has no roles,
  // so the event stands for one that got past them: the fold takes it, and verify shows it.
  const customerId = randomUUID();
  await system.publishCustomerCreated(customerId, { source: '/crm' });
  const r = await cli('verify', 'customers');
  show('verify customers, a customer.created of another source on CUSTOMERS', r);
  expect(r.code).toBe(1);
  expect(r.out).toContain(`customer ${customerId}: missing from the live table (the history has it)`);
});
