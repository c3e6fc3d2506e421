import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, NatsConnection } from '@nats-io/transport-node';
import { consumers, customerCreated } from '@calm/contracts';
import { NatsClient } from '@calm/messaging';
import { Database, loadConfig } from '@calm/platform';
import { freshDatabase, startNatsServer, TestDatabase, TestNatsServer, waitFor } from '@calm/testing';
import { startAccountsService, RunningService } from '../../apps/accounts/src/accounts.app';
import { startCustomersService } from '../../apps/customers/src/customers.app';
import { run } from '../../apps/replay/src/main';
import { http } from '../support/system';

/**
 * The shipped authorization (deploy/nats/auth.conf) on a private nats-server: each role's
 * forbidden publish is refused, and the whole system works with only what is allowed.
 */
const PASSWORDS = { customers: 'test-customers', accounts: 'test-accounts', replay: 'test-replay', publisher: 'test-publisher' };
type Role = keyof typeof PASSWORDS;

let nats: TestNatsServer;
let accountsDb: TestDatabase;
let customersDb: TestDatabase;
const running: { app: RunningService['app'] }[] = [];
const clients: NatsConnection[] = [];

const natsUrl = (role: Role) => `nats://${role}:${PASSWORDS[role]}@127.0.0.1:${nats.port}`;
async function as(role: Role): Promise<NatsConnection> {
  const nc = await connect({ servers: `127.0.0.1:${nats.port}`, user: role, pass: PASSWORDS[role] });
  clients.push(nc);
  return nc;
}

beforeAll(async () => {
  // The shipped file, included from a private config (nats-server resolves includes next to it).
  const dir = mkdtempSync(join(tmpdir(), 'calm-nats-auth-'));
  copyFileSync(join(__dirname, '../../deploy/nats/auth.conf'), join(dir, 'auth.conf'));
  writeFileSync(join(dir, 'server.conf'), 'include "auth.conf"\n');
  const env = Object.fromEntries(Object.entries(PASSWORDS).map(([role, pass]) => [`${role.toUpperCase()}_NATS_PASSWORD`, pass]));
  [nats, accountsDb, customersDb] = await Promise.all([
    startNatsServer(['-c', join(dir, 'server.conf')], env),
    freshDatabase('roles_acc'),
    freshDatabase('roles_cus'),
  ]);
});
afterAll(async () => {
  for (const nc of clients) await nc.close().catch(() => undefined);
  for (const s of running) await s.app.close().catch(() => undefined);
  await nats.stop();
  await Promise.all([accountsDb.drop(), customersDb.drop()]);
});

describe('with only the permissions of deploy/nats/auth.conf', () => {
  let accounts: string;
  let customers: string;

  it('the services start, create their streams and consumer, and reach ready', async () => {
    const c = await startCustomersService(
      { ...loadConfig('customers', { NATS_URL: natsUrl('customers'), CUSTOMERS_DATABASE_URL: customersDb.url }), httpPort: 0 },
      { relay: { pollMs: 100 } },
    );
    running.push(c);
    const a = await startAccountsService(
      { ...loadConfig('accounts', { NATS_URL: natsUrl('accounts'), ACCOUNTS_DATABASE_URL: accountsDb.url }), httpPort: 0 },
      { relay: { pollMs: 100 } },
    );
    running.push(a);
    customers = c.url;
    accounts = a.url;
    for (const app of [a.app, c.app]) await Promise.all([app.get(Database).ready, app.get(NatsClient).ready]);
    await waitFor(
      'both ready',
      async () => (await http(accounts, 'GET', '/health/ready')).status === 200 && (await http(customers, 'GET', '/health/ready')).status === 200,
      30_000,
    );
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

    const viaPartner = { accountId: randomUUID(), customerId: randomUUID() };
    expect((await http(accounts, 'POST', '/accounts', viaPartner)).status).toBe(201);
    const event = customerCreated({ customerId: viaPartner.customerId, name: 'CRM', email: 'crm@example.com' }, new Date().toISOString(), '/crm');
    const h = headers();
    h.set('Nats-Msg-Id', event.id);
    await jetstream(await as('publisher')).publish(`customer.created.${viaPartner.customerId}`, JSON.stringify(event), { headers: h });
    await waitFor('valid through the partner', async () => (await http(accounts, 'GET', `/accounts/${viaPartner.accountId}`)).body.status === 'valid', 30_000);
  });

  it('the replay tool reads both streams with its own user: verify, inspect and tail', async () => {
    const env = { NATS_URL: natsUrl('replay'), ACCOUNTS_DATABASE_URL: accountsDb.url, CUSTOMERS_DATABASE_URL: customersDb.url };
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
    const jsm = await jetstreamManager(await as(role), { checkAPI: false });
    await expect(call(jsm)).rejects.toThrow(/permission/i);
  };
  const stored = async () => {
    const jsm = await jetstreamManager(await as('replay'));
    return { customers: (await jsm.streams.info('CUSTOMERS')).state.messages, accounts: (await jsm.streams.info('ACCOUNTS')).state.messages };
  };

  it.each<[Role, string]>([
    ['customers', `account.opened.x`],
    ['customers', `account.validated.x`],
    ['accounts', `customer.created.x`],
    ['accounts', `customer.sealed.x`],
    ['publisher', `account.opened.x`],
    ['publisher', `customer.sealed.x`],
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
