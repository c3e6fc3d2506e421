import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, Msg, NatsConnection } from '@nats-io/transport-node';
import { consumers, customerCreated, partnerAnnouncementSubject, partnerCustomerAnnounced, streams } from '@calm/contracts';
import { Database } from '@calm/pg';
import { freshDatabase, TestDatabase, waitFor } from '@calm/testing';
import { RunningService } from '../../apps/accounts/src';
import { http } from '../support/system';
import { REPLAY_API_PREFIX, RolesBroker, startRolesBroker, startServicesOnRoles } from '../support/nats-roles';

/**
 * Attacks by a holder of one role's credentials against the shipped deploy/nats/auth.conf
 * (docs/security.md, threat table). Each was first seen succeeding, then refused.
 */
let broker: RolesBroker;
let accountsDb: TestDatabase;
let customersDb: TestDatabase;
const running: { app: RunningService['app'] }[] = [];
let accounts: string;
let customers: string;
// Both JetStream API prefixes an attacker holding the replay role could address.
const API_PREFIXES = ['$JS.API', REPLAY_API_PREFIX];

beforeAll(async () => {
  [broker, accountsDb, customersDb] = await Promise.all([startRolesBroker(), freshDatabase('attack_acc'), freshDatabase('attack_cus')]);
  const { customers: c, accounts: a } = await startServicesOnRoles(broker, { accounts: accountsDb.url, customers: customersDb.url });
  running.push(c, a);
  [customers, accounts] = [c.url, a.url];
});
afterAll(async () => {
  for (const s of running) await s.app.close().catch(() => undefined);
  await broker.stop();
  await Promise.all([accountsDb.drop(), customersDb.drop()]);
});

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Publishes and waits for the broker to have processed it (a round trip on the same connection). */
async function sendRaw(nc: NatsConnection, subject: string, data: string, reply?: string): Promise<void> {
  nc.publish(subject, data, reply ? { reply } : undefined);
  await nc.flush();
}

async function openRejected(): Promise<{ accountId: string; customerId: string }> {
  const ids = { accountId: randomUUID(), customerId: randomUUID() };
  expect((await http(accounts, 'POST', '/accounts', ids)).status).toBe(201);
  expect((await http(customers, 'POST', `/customers/${ids.customerId}/seal`)).status).toBe(201);
  await waitFor('rejected', async () => (await http(accounts, 'GET', `/accounts/${ids.accountId}`)).body.status === 'rejected', 30_000);
  return ids;
}

/** The account service's consumer has been handed everything CUSTOMERS holds (so a stored forgery would have been applied). */
async function accountsConsumerCaughtUp(): Promise<void> {
  const jsm = await jetstreamManager(await broker.as('accounts'), { checkAPI: false });
  const { stream, durable } = consumers.validateAccountsWhenCustomerCreated;
  await waitFor('the consumer to catch up', async () => {
    const ci = await jsm.consumers.info(stream, durable);
    return ci.num_pending === 0 && ci.num_ack_pending === 0;
  });
}

describe('attacks with one role, refused', () => {
  it('1. replay cannot reconfigure a durable through the legacy CONSUMER.CREATE.<stream> (name in the body)', async () => {
    const { stream, durable } = consumers.validateAccountsWhenCustomerCreated;
    const owner = await jetstreamManager(await broker.as('accounts'), { checkAPI: false });
    const before = (await owner.consumers.info(stream, durable)).config;
    expect(before.max_deliver).toBeGreaterThan(5);
    const replay = await broker.as('replay');
    for (const prefix of API_PREFIXES) {
      const body = JSON.stringify({ stream_name: stream, config: { ...before, durable_name: undefined, name: durable, max_deliver: 5 } });
      await replay.request(`${prefix}.CONSUMER.CREATE.${stream}`, body, { timeout: 1000 }).catch(() => undefined);
    }
    expect((await owner.consumers.info(stream, durable)).config.max_deliver).toBe(before.max_deliver);
  });

  it("2a. no role reads another role's replies (PubAcks, pull deliveries with customers' names)", async () => {
    const sniffed: Msg[] = [];
    const others = {
      publisher: ['_INBOX.>', '_INBOX_customers.>', '_INBOX_accounts.>'],
      replay: ['_INBOX.>', '_INBOX_customers.>', '_INBOX_accounts.>'],
      accounts: ['_INBOX.>', '_INBOX_customers.>'],
    };
    for (const [role, subjects] of Object.entries(others)) {
      const nc = await broker.as(role as keyof typeof others);
      for (const subject of subjects) nc.subscribe(subject, { callback: (e, m) => void (e || sniffed.push(m)) });
      await nc.flush();
    }
    const ids = { accountId: randomUUID(), customerId: randomUUID() };
    expect((await http(accounts, 'POST', '/accounts', ids)).status).toBe(201);
    expect((await http(customers, 'POST', '/customers', { customerId: ids.customerId, name: 'Private Person', email: 'p@example.com' })).status).toBe(201);
    await waitFor('valid', async () => (await http(accounts, 'GET', `/accounts/${ids.accountId}`)).body.status === 'valid', 30_000);
    expect(sniffed.map((m) => `${m.subject} ${new TextDecoder().decode(m.data).slice(0, 80)}`)).toEqual([]);
  });

  it('3. replay cannot make JetStream deliver a CUSTOMERS message into ACCOUNTS (MSG.NEXT with a stream subject as reply)', async () => {
    const customerId = randomUUID();
    expect((await http(customers, 'POST', '/customers', { customerId, name: 'Copied', email: 'c@example.com' })).status).toBe(201);
    const owner = await jetstreamManager(await broker.as('accounts'), { checkAPI: false });
    const customersOwner = await jetstreamManager(await broker.as('customers'), { checkAPI: false });
    await waitFor(
      'the event stored',
      async () => !!(await customersOwner.streams.getMessage(streams.customers.name, { last_by_subj: `customer.created.${customerId}` })),
    );
    const replay = await broker.as('replay');
    const target = `account.opened.${randomUUID()}`;
    for (const prefix of API_PREFIXES) {
      const name = `replay-${randomUUID().slice(0, 8)}`;
      const create = JSON.stringify({
        stream_name: streams.customers.name,
        config: { name, ack_policy: 'explicit', deliver_policy: 'all', inactive_threshold: 10e9 },
      });
      await replay.request(`${prefix}.CONSUMER.CREATE.${streams.customers.name}.${name}`, create, { timeout: 1000 }).catch(() => undefined);
      await sendRaw(replay, `${prefix}.CONSUMER.MSG.NEXT.${streams.customers.name}.${name}`, JSON.stringify({ batch: 1 }), target);
    }
    await settle(500);
    // JetStream stores such a delivery under the original subject: ACCOUNTS would hold a customer.created.
    const stored = Object.keys((await owner.streams.info(streams.accounts.name, { subjects_filter: '>' })).state.subjects ?? {});
    expect(stored.filter((s) => !s.startsWith('account.'))).toEqual([]);
  });

  it("4. a third party's customer.created claiming /customers for a sealed id leaves its account rejected", async () => {
    const { accountId, customerId } = await openRejected();
    const forged = customerCreated({ customerId, name: 'Forged', email: 'forged@example.com' }, new Date().toISOString(), '/customers');
    const h = headers();
    h.set('Nats-Msg-Id', forged.id);
    await jetstream(await broker.as('publisher'))
      .publish(`customer.created.${customerId}`, JSON.stringify(forged), { headers: h, timeout: 2000 })
      .catch(() => undefined);
    await accountsConsumerCaughtUp();
    expect((await http(accounts, 'GET', `/accounts/${accountId}`)).body.status).toBe('rejected');
  });

  it('4b. a partner announcing a sealed id is refused by the owner: dead-lettered with the reason, counted, the account stays rejected', async () => {
    const { accountId, customerId } = await openRejected();
    const announced = partnerCustomerAnnounced({ customerId, name: 'Partner', email: 'partner@example.com' }, '/crm');
    await jetstream(await broker.as('publisher')).publish(partnerAnnouncementSubject(customerId), JSON.stringify(announced), { timeout: 5000 });
    const db = running[0].app.get(Database);
    await waitFor('the dead letter', async () => (await db.manager().query(`SELECT 1 FROM dead_letter WHERE event_id = $1`, [announced.id])).length === 1);
    const [letter] = await db.manager().query(`SELECT stream, reason FROM dead_letter WHERE event_id = $1`, [announced.id]);
    expect(letter).toEqual({
      stream: 'PARTNERS',
      reason: expect.stringMatching(new RegExp(`refused: customer ${customerId} was sealed at .*: it can never be created`)),
    });
    expect(String((await http(customers, 'GET', '/metrics')).body)).toMatch(/calm_partner_announcements_refused_total\{[^}]*reason="sealed"[^}]*\} [1-9]/);
    await accountsConsumerCaughtUp();
    expect((await http(accounts, 'GET', `/accounts/${accountId}`)).body.status).toBe('rejected');
    expect((await http(customers, 'GET', `/customers/${customerId}`)).status).toBe(410);
  });
});
