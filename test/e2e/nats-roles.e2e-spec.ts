import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { consumers, partnerAnnouncementSubject, partnerCustomerAnnounced } from '@calm/contracts';
import { Database } from '@calm/pg';
import { freshDatabase, TestDatabase, waitFor } from '@calm/testing';
import { RunningService } from '../../apps/accounts/src';
import { run } from '../../apps/replay/src/main';
import { http } from '../support/system';
import { REPLAY_API_PREFIX, Role, RolesBroker, startRolesBroker, startServicesOnRoles } from '../support/nats-roles';

/**
 * The shipped authorization (deploy/nats/auth.conf) on a private nats-server: each role's
 * forbidden publish is refused, and the whole system works with only what is allowed
 * (the positive control of test/e2e/nats-attacks.e2e-spec.ts).
 */
let broker: RolesBroker;
let accountsDb: TestDatabase;
let customersDb: TestDatabase;
const running: { app: RunningService['app'] }[] = [];

const as = (role: Role) => broker.as(role);
/** A role's JetStream manager, on the API prefix that role reaches JetStream through. */
const jsmOf = async (role: Role) => jetstreamManager(await as(role), { checkAPI: false, ...(role === 'replay' ? { apiPrefix: REPLAY_API_PREFIX } : {}) });

beforeAll(async () => {
  [broker, accountsDb, customersDb] = await Promise.all([startRolesBroker(), freshDatabase('roles_acc'), freshDatabase('roles_cus')]);
});
afterAll(async () => {
  for (const s of running) await s.app.close().catch(() => undefined);
  await broker.stop();
  await Promise.all([accountsDb.drop(), customersDb.drop()]);
});

describe('with only the permissions of deploy/nats/auth.conf', () => {
  let accounts: string;
  let customers: string;

  it('the services start, create their streams and consumer, and reach ready', async () => {
    const { customers: c, accounts: a } = await startServicesOnRoles(broker, { accounts: accountsDb.url, customers: customersDb.url });
    running.push(c, a);
    customers = c.url;
    accounts = a.url;
  });

  it("an account is validated by the customer service's event and by a third party's", async () => {
    const viaService = { accountId: randomUUID(), customerId: randomUUID() };
    expect((await http(accounts, 'POST', '/accounts', viaService)).status).toBe(201);
    expect((await http(customers, 'POST', '/customers', { customerId: viaService.customerId, name: 'Ada', email: 'ada@example.com' })).status).toBe(201);
    await waitFor(
      'valid through the customer service',
      async () => (await http(accounts, 'GET', `/accounts/${viaService.accountId}`)).body.status === 'valid',
      30_000,
    );

    // A partner announces a customer on PARTNERS; the owner creates it and publishes customer.created.
    const viaPartner = { accountId: randomUUID(), customerId: randomUUID() };
    expect((await http(accounts, 'POST', '/accounts', viaPartner)).status).toBe(201);
    const data = { customerId: viaPartner.customerId, name: 'CRM', email: 'crm@example.com' };
    const publisher = jetstream(await as('publisher'));
    const ack = await publisher.publish(partnerAnnouncementSubject(viaPartner.customerId), JSON.stringify(partnerCustomerAnnounced(data, '/crm')));
    expect(ack.stream).toBe('PARTNERS');
    await waitFor('valid through the partner', async () => (await http(accounts, 'GET', `/accounts/${viaPartner.accountId}`)).body.status === 'valid', 30_000);
    expect((await http(customers, 'GET', `/customers/${viaPartner.customerId}`)).body).toMatchObject(data);
    // A repeat with the same data is a no-op, not a refusal.
    await publisher.publish(partnerAnnouncementSubject(viaPartner.customerId), JSON.stringify(partnerCustomerAnnounced(data, '/crm')));
    const cdb = running[0].app.get(Database);
    await waitFor('the repeat consumed', async () => {
      const jsm = await jsmOf('customers');
      const ci = await jsm.consumers.info('PARTNERS', 'customers-partner-announced');
      return ci.num_pending === 0 && ci.num_ack_pending === 0;
    });
    expect(await cdb.manager().query('SELECT reason FROM dead_letter')).toEqual([]);
  });

  it('the replay tool reads both streams with its own user: verify, inspect and tail', async () => {
    const env = {
      NATS_URL: broker.url('replay'),
      NATS_JS_API_PREFIX: REPLAY_API_PREFIX,
      ACCOUNTS_DATABASE_URL: accountsDb.url,
      CUSTOMERS_DATABASE_URL: customersDb.url,
    };
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), isTTY: false, env };
    await waitFor('the relays to catch up', async () => (await run(['verify', 'accounts', '--quiet'], io)) === 0, 30_000);
    expect(await run(['verify', 'customers'], io)).toBe(0);
    expect(await run(['tail', '--all', '--count', '2', '--type', 'customer.created'], io)).toBe(0);
    expect(out.join('\n')).not.toMatch(/permission/i);
  });
});

describe('each role is refused what it may not do', () => {
  const refusedPublish = async (role: Role, subject: string) => {
    const js = jetstream(await as(role));
    await expect(js.publish(subject, '{}', { timeout: 2000 })).rejects.toThrow(/permission/i);
  };
  const refusedApi = async (role: Role, call: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<unknown>) => {
    await expect(call(await jsmOf(role))).rejects.toThrow(/permission/i);
  };
  const stored = async () => {
    const jsm = await jsmOf('replay');
    return { customers: (await jsm.streams.info('CUSTOMERS')).state.messages, accounts: (await jsm.streams.info('ACCOUNTS')).state.messages };
  };

  it.each<[Role, string]>([
    ['customers', `account.opened.x`],
    ['customers', `account.validated.x`],
    ['accounts', `customer.created.x`],
    ['accounts', `customer.sealed.x`],
    ['publisher', `account.opened.x`],
    ['publisher', `customer.sealed.x`],
    ['publisher', `customer.created.x`],
    ['replay', `customer.created.x`],
    ['replay', `account.validated.x`],
  ])('%s may not publish %s, and the stream does not store it', async (role, subject) => {
    const before = await stored();
    await refusedPublish(role, subject);
    expect(await stored()).toEqual(before);
  });

  it('no role but the owner may change, purge or delete a stream', async () => {
    for (const role of ['accounts', 'replay', 'publisher'] as Role[]) {
      await refusedApi(role, (jsm) => jsm.streams.purge('CUSTOMERS'));
      await refusedApi(role, (jsm) => jsm.streams.delete('CUSTOMERS'));
    }
    await refusedApi('accounts', (jsm) => jsm.streams.update('CUSTOMERS', { max_age: 1 }));
    await refusedApi('customers', (jsm) => jsm.streams.update('ACCOUNTS', { max_age: 1 }));
    for (const role of ['customers', 'accounts'] as Role[]) await refusedApi(role, (jsm) => jsm.streams.purge(role === 'customers' ? 'CUSTOMERS' : 'ACCOUNTS'));
  });

  it('only the account service may touch its durable consumers', async () => {
    await refusedApi('replay', (jsm) =>
      jsm.consumers.delete(consumers.rejectShellsWhenCustomerSealed.stream, consumers.rejectShellsWhenCustomerSealed.durable),
    );
    await refusedApi('customers', (jsm) =>
      jsm.consumers.delete(consumers.rejectShellsWhenCustomerSealed.stream, consumers.rejectShellsWhenCustomerSealed.durable),
    );
    await refusedApi('replay', (jsm) =>
      jsm.consumers.delete(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable),
    );
    await refusedApi('replay', (jsm) =>
      jsm.consumers.add('CUSTOMERS', {
        durable_name: consumers.validateAccountsWhenCustomerCreated.durable,
        filter_subject: 'customer.>',
        ack_policy: 'none' as never,
      }),
    );
    await refusedApi('customers', (jsm) =>
      jsm.consumers.delete(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable),
    );
    await refusedApi('publisher', (jsm) =>
      jsm.consumers.info(consumers.validateAccountsWhenCustomerCreated.stream, consumers.validateAccountsWhenCustomerCreated.durable),
    );
  });

  it('customers.resolve: asked only by the account service, answered only by the customer service', async () => {
    const publisher = await as('publisher');
    const errors: string[] = [];
    void (async () => {
      for await (const s of publisher.status()) if (s.type === 'error') errors.push(String(s.error));
    })();
    publisher.subscribe('customers.resolve');
    await expect(publisher.request('customers.resolve', '{}', { timeout: 1000 })).rejects.toThrow(/permission/i);
    await waitFor('the subscription to be refused', async () => errors.some((e) => /permission/i.test(e) && /customers\.resolve/.test(e)));
    // The customer service subscribes to it (its queue group) and answers; the account service may ask.
    const customerId = randomUUID();
    const reply = await (await as('accounts')).request('customers.resolve', JSON.stringify({ customerId }), { timeout: 5000 });
    expect(reply.json()).toEqual({ customerId, state: 'sealed', sealedAt: expect.any(String) });
  });
});
