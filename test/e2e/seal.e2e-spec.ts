import { randomUUID } from 'node:crypto';
import { RESOLVE_SUBJECT, eventIds } from '@calm/contracts';
import { queryDatabase, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

jest.setTimeout(60_000);

let system: TestSystem;
let customersUrl: string;

beforeAll(async () => {
  system = await TestSystem.start('seal');
  // A short dedupe window, so a re-published event can land on the stream again within the test.
  customersUrl = (await system.startCustomers({ duplicateWindowMs: 500 })).url;
});
afterAll(() => system?.stop());

const resolve = async (body: unknown) => (await system.nc.request(RESOLVE_SUBJECT, JSON.stringify(body), { timeout: 10_000 })).json<Record<string, unknown>>();
const onStream = (subject: string) => system.streamMessages('CUSTOMERS', subject);

describe('the owner decides each customer id once: created or sealed', () => {
  it('seal: 201, then 200 with the same seal; GET answers 410; a later POST /customers answers 409 naming the seal', async () => {
    const customerId = randomUUID();
    const first = await http(customersUrl, 'POST', `/customers/${customerId.toUpperCase()}/seal`);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ customerId, sealedAt: expect.any(String) });
    const again = await http(customersUrl, 'POST', `/customers/${customerId}/seal`);
    expect(again).toMatchObject({ status: 200, body: first.body });
    const got = await http(customersUrl, 'GET', `/customers/${customerId}`);
    expect(got).toMatchObject({ status: 410, body: { customerId, sealedAt: first.body.sealedAt } });
    const create = await http(customersUrl, 'POST', '/customers', { customerId, name: 'Late', email: 'late@example.com' });
    expect(create.status).toBe(409);
    expect(create.body.message).toContain('sealed');
    expect(create.body.sealedAt).toBe(first.body.sealedAt);
    const events = await waitFor('one customer.sealed', async () =>
      (await onStream(`customer.sealed.${customerId}`)).length === 1 ? onStream(`customer.sealed.${customerId}`) : null,
    );
    expect(events[0].data).toMatchObject({
      id: eventIds.customerSealed(customerId),
      type: 'customer.sealed',
      data: { customerId, sealedAt: first.body.sealedAt },
    });
    expect(await onStream(`customer.created.${customerId}`)).toHaveLength(0);
  });

  it('a customer that exists cannot be sealed (409) and stays as it is', async () => {
    const customerId = randomUUID();
    const created = await http(customersUrl, 'POST', '/customers', { customerId, name: 'Ada', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    const seal = await http(customersUrl, 'POST', `/customers/${customerId}/seal`);
    expect(seal.status).toBe(409);
    expect(seal.body.message).toContain('exists');
    expect((await http(customersUrl, 'GET', `/customers/${customerId}`)).body).toEqual(created.body);
  });

  it('seal refuses a non-UUID id with 400 naming the field', async () => {
    const bad = await http(customersUrl, 'POST', '/customers/not-a-uuid/seal');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('customerId');
  });
});

describe('customers.resolve', () => {
  it('an unknown id is sealed, and answered sealed with its seal time', async () => {
    const customerId = randomUUID();
    const answer = await resolve({ customerId: customerId.toUpperCase() });
    expect(answer).toEqual({ customerId, state: 'sealed', sealedAt: expect.any(String) });
    expect((await http(customersUrl, 'GET', `/customers/${customerId}`)).body).toMatchObject({ customerId, sealedAt: answer.sealedAt });
    await waitFor('customer.sealed on the stream', async () => (await onStream(`customer.sealed.${customerId}`)).length === 1);
    // Asking again changes nothing and answers the same seal.
    expect(await resolve({ customerId })).toEqual(answer);
  });

  it('a known customer is answered created, and its customer.created is published again with the same id', async () => {
    const customerId = randomUUID();
    const created = await http(customersUrl, 'POST', '/customers', { customerId, name: 'Grace', email: 'grace@example.com' });
    await waitFor(
      'the first customer.created to be published',
      async () =>
        (
          await queryDatabase(system.customersDb.url, 'SELECT 1 FROM outbox WHERE published_at IS NOT NULL AND subject = $1', [
            `customer.created.${customerId}`,
          ])
        ).length === 1,
    );
    // Lose it from the stream, as a broker that lost its tail would.
    await system.jsm.streams.purge('CUSTOMERS', { filter: `customer.created.${customerId}` });
    expect(await onStream(`customer.created.${customerId}`)).toHaveLength(0);
    const resolvedAt = new Date();
    expect(await resolve({ customerId })).toEqual({ customerId, state: 'created', createdAt: created.body.createdAt });
    // The outbox row is published again (same event id)...
    await waitFor('the outbox row to be published again', async () => {
      const [row] = await queryDatabase<{ published_at: Date | null }>(system.customersDb.url, 'SELECT published_at FROM outbox WHERE event_id = $1', [
        eventIds.customerCreated(customerId),
      ]);
      return row.published_at !== null && row.published_at >= resolvedAt;
    });
    // ...and reaches the stream once JetStream's dedupe window (500 ms here) no longer holds its id;
    // within the window the copy is dropped as a duplicate, which is also fine. Each resolve asks again.
    const copies = await waitFor('customer.created published again', async () => {
      const m = await onStream(`customer.created.${customerId}`);
      if (m.length) return m;
      await resolve({ customerId });
      return null;
    });
    expect(copies.map((m) => m.data.id)).toEqual([eventIds.customerCreated(customerId)]);
    expect(copies[0].data).toMatchObject({ time: created.body.createdAt, data: { customerId, name: 'Grace', email: 'grace@example.com' } });
  });

  it('answers a bad request with an error and decides nothing', async () => {
    expect(await resolve({ customerId: 'nope' })).toEqual({ error: expect.stringContaining('customerId') });
    expect(await resolve({})).toEqual({ error: expect.stringContaining('customerId') });
    const raw = await system.nc.request(RESOLVE_SUBJECT, 'not json', { timeout: 10_000 });
    expect(raw.json()).toEqual({ error: expect.stringContaining('JSON') });
  });
});
