import { randomUUID } from 'node:crypto';
import { eventIds } from '@calm/contracts';
import { duplicatesAbsorbed, queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

jest.setTimeout(60_000);

let system: TestSystem;
let accountsUrl: string;
let customersUrl: string;

beforeAll(async () => {
  system = await TestSystem.start('join');
  accountsUrl = (await system.startAccounts()).url;
  customersUrl = (await system.startCustomers()).url;
});
afterAll(() => system?.stop());

const account = (accountId: string) => http(accountsUrl, 'GET', `/accounts/${accountId}`).then((r) => r.body);
const untilValid = (accountId: string) =>
  waitFor(`account ${accountId} to be valid`, async () => ((await account(accountId)).status === 'valid' ? account(accountId) : null));
const validatedEvents = (accountId: string) => system.streamMessages('ACCOUNTS', `account.validated.${accountId}`);

describe('the join, over REST and JetStream', () => {
  it('account before customer: pending, then valid when the customer is created', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    const opened = await http(accountsUrl, 'POST', '/accounts', { accountId, customerId });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('location')).toBe(`/accounts/${accountId}`);
    expect(opened.body).toEqual({
      accountId,
      customerId,
      currency: 'EUR',
      status: 'pending',
      openedAt: expect.any(String),
      validatedAt: null,
      rejectedAt: null,
    });

    const created = await http(customersUrl, 'POST', '/customers', { customerId, name: 'Ada', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    const valid = await untilValid(accountId);
    // validatedAt is the later of openedAt and the customer's creation time
    expect(valid.validatedAt).toBe(new Date(Math.max(Date.parse(opened.body.openedAt), Date.parse(created.body.createdAt))).toISOString());
    await waitFor('one account.validated', async () => (await validatedEvents(accountId)).length === 1);
  });

  it('customer before account: valid at once in the POST answer', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    await http(customersUrl, 'POST', '/customers', { customerId, name: 'Grace', email: 'grace@example.com' });
    await waitFor('the customer to reach the account service', () =>
      queryDatabase(system.accountsDb.url, 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId]).then((r) => r.length === 1),
    );
    const opened = await http(accountsUrl, 'POST', '/accounts', { accountId, customerId, currency: 'USD' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'valid', currency: 'USD', validatedAt: opened.body.openedAt });
    await waitFor('one account.validated', async () => (await validatedEvents(accountId)).length === 1);
    const [event] = await validatedEvents(accountId);
    expect(event.data).toMatchObject({ id: eventIds.accountValidated(accountId), type: 'account.validated', data: { accountId, customerId } });
  });

  it('a third-party customer.created published straight onto the stream validates every account of that customer', async () => {
    const customerId = randomUUID();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const accountId of ids) expect((await http(accountsUrl, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
    await system.publishCustomerCreated(customerId, { time: '2020-01-01T00:00:00.000Z' });
    for (const accountId of ids) {
      const valid = await untilValid(accountId);
      expect(valid.validatedAt).toBe(valid.openedAt); // opened after the (old) creation time
    }
    const listed = await http(accountsUrl, 'GET', `/accounts?customerId=${customerId}`);
    expect(listed.body.items.map((a: { accountId: string }) => a.accountId).sort()).toEqual([...ids].sort());
  });

  it('duplicates of both facts take effect once: repeated POSTs, and the same event with and without Nats-Msg-Id', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    const first = await http(accountsUrl, 'POST', '/accounts', { accountId, customerId });
    const again = await http(accountsUrl, 'POST', '/accounts', { accountId, customerId, currency: 'EUR' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    const duplicatesBefore = await duplicatesAbsorbed(accountsUrl);
    const event = await system.publishCustomerCreated(customerId);
    await system.publishCustomerCreated(customerId, { event, withMsgId: true });
    await system.publishCustomerCreated(customerId, { event, withMsgId: false });
    await system.publishCustomerCreated(customerId, { event, withMsgId: false });
    // three copies reached the stream (one was deduplicated by Nats-Msg-Id)
    const copies = await system.streamMessages('CUSTOMERS', `customer.created.${customerId}`);
    expect(copies).toHaveLength(3);
    // Once the consumer has acknowledged the last copy, each copy has committed its
    // transaction: the first took effect, the inbox turned the two others away.
    await waitForAckFloor(system.jsm, Math.max(...copies.map((c) => c.seq)));
    expect((await account(accountId)).status).toBe('valid');
    expect((await duplicatesAbsorbed(accountsUrl)) - duplicatesBefore).toBe(2);
    const inbox = await queryDatabase(system.accountsDb.url, 'SELECT event_id FROM inbox WHERE event_id = $1', [event.id]);
    expect(inbox).toHaveLength(1);
    await waitFor(
      'the outbox to publish',
      async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length === 0,
    );
    expect(await validatedEvents(accountId)).toHaveLength(1);
    const opened = await system.streamMessages('ACCOUNTS', `account.opened.${accountId}`);
    expect(opened.map((m) => m.data.id)).toEqual([eventIds.accountOpened(accountId)]);
  });

  it('idempotent POST: 201, then 200 with the same body, 409 with another customer or currency', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await http(accountsUrl, 'POST', '/accounts', { accountId, customerId, currency: 'CHF' })).status).toBe(201);
    expect((await http(accountsUrl, 'POST', '/accounts', { accountId, customerId, currency: 'CHF' })).status).toBe(200);
    const otherCurrency = await http(accountsUrl, 'POST', '/accounts', { accountId, customerId, currency: 'EUR' });
    expect(otherCurrency.status).toBe(409);
    expect(otherCurrency.body.message).toContain(accountId);
    expect((await http(accountsUrl, 'POST', '/accounts', { accountId, customerId: randomUUID(), currency: 'CHF' })).status).toBe(409);
    expect((await account(accountId)).currency).toBe('CHF');
  });

  it('without an accountId the service assigns one', async () => {
    const res = await http(accountsUrl, 'POST', '/accounts', { customerId: randomUUID() });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/accounts/${res.body.accountId}`);
    expect((await account(res.body.accountId)).accountId).toBe(res.body.accountId);
  });

  it('customers: 201, 200, 409, 404 and 400', async () => {
    const customerId = randomUUID();
    const body = { customerId, name: 'Linus', email: 'linus@example.com' };
    const created = await http(customersUrl, 'POST', '/customers', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/customers/${customerId}`);
    expect((await http(customersUrl, 'POST', '/customers', body)).status).toBe(200);
    expect((await http(customersUrl, 'POST', '/customers', { ...body, email: 'other@example.com' })).status).toBe(409);
    expect((await http(customersUrl, 'GET', `/customers/${customerId}`)).body).toEqual(created.body);
    expect((await http(customersUrl, 'GET', `/customers/${randomUUID()}`)).status).toBe(404);
    const bad = await http(customersUrl, 'GET', '/customers/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('customerId');
  });
});

describe('bad input answers 4xx naming the field, never 5xx', () => {
  it.each([
    ['malformed JSON', '{"customerId":', 400, 'JSON'],
    ['a non-UUID customerId', { customerId: 'abc' }, 400, 'customerId'],
    ['a missing customerId', {}, 400, 'customerId'],
    ['an unknown field', { customerId: randomUUID(), colour: 'red' }, 400, 'colour'],
    ['a wrong type', { customerId: randomUUID(), currency: 42 }, 400, 'currency'],
    ['an unknown currency', { customerId: randomUUID(), currency: 'XXY' }, 400, 'currency'],
    ['a JSON array', [1, 2], 400, 'body'],
    ['a JSON string', '"hello"', 400, 'body'],
    ['a body over 64 KiB', { customerId: randomUUID(), pad: 'x'.repeat(70_000) }, 413, 'too large'],
  ])('POST /accounts with %s', async (_what, body, status, field) => {
    const res = await http(accountsUrl, 'POST', '/accounts', body);
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(res.body.message).toEqual(expect.stringContaining(field));
  });

  it('GET /accounts/{id} with a non-UUID, and an unknown one', async () => {
    const bad = await http(accountsUrl, 'GET', '/accounts/123');
    expect([bad.status, bad.body.message]).toEqual([400, 'accountId must be a UUID']);
    expect((await http(accountsUrl, 'GET', `/accounts/${randomUUID()}`)).status).toBe(404);
    expect((await http(accountsUrl, 'GET', '/accounts?customerId=nope')).body.message).toContain('customerId');
  });

  it('POST /customers with an empty name, a bad email, a name over 200 characters', async () => {
    for (const [body, field] of [
      [{ name: '', email: 'a@example.com' }, 'name'],
      [{ name: 'A', email: 'not-an-email' }, 'email'],
      [{ name: 'A'.repeat(201), email: 'a@example.com' }, 'name'],
    ] as const) {
      const res = await http(customersUrl, 'POST', '/customers', body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
  });
});
