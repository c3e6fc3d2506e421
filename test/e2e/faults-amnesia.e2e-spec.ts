import { randomUUID } from 'node:crypto';
import { JetStreamManager } from '@nats-io/jetstream';
import { describeConvergence, expectConverged, FaultLoad, metricValue, waitFor } from '@calm/testing';
import { acknowledgedIds, StoreCopy, storedIdCounts } from '../support/amnesia';
import { replayCli } from '../support/replay-cli';
import { http, TestSystem } from '../support/system';

/**
 * The broker forgets what it acknowledged (an OS crash with the default lazy fsync; see
 * docs/reliability.md): both services run under load (POST /customers and POST
 * /accounts), the nats-server's store is copied while it runs, more events are
 * acknowledged, the server is SIGKILLed and the copy put back. The fault must land: the
 * restored ACCOUNTS and CUSTOMERS streams lack events their outboxes recorded as stored.
 * Then, with no operator action, each service's outbox audit finds the loss and
 * re-publishes the missing events: every account reaches its final status, every event
 * id is in its stream exactly once, nothing acknowledged is lost, and replay verify exits 0.
 * Reproduce: npx jest test/e2e/faults-amnesia.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(240_000);

/** The audit's period here; in production OUTBOX_AUDIT_SECONDS (60). */
const AUDIT_MS = 2000;
let system: TestSystem;
let accountsUrl: string;
let customersUrl: string;

beforeAll(async () => {
  system = await TestSystem.start('amnesia');
  ({ url: customersUrl } = await system.startCustomers({ auditMs: AUDIT_MS }));
  ({ url: accountsUrl } = await system.startAccounts({ auditMs: AUDIT_MS }));
});
afterAll(() => system?.stop());

const createCustomer = async (customerId: string): Promise<void> => {
  const res = await http(customersUrl, 'POST', '/customers', { customerId, name: 'Amnesia', email: `${randomUUID()}@example.com` });
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST /customers: ${res.status}`);
};

const lastSeq = async (stream: string): Promise<number> => (await system.jsm.streams.info(stream)).state.last_seq;

/** The acknowledged ids (from the outbox) that the stream does not hold now. */
async function missing(jsm: JetStreamManager, stream: string, acknowledged: string[]): Promise<string[]> {
  const stored = await storedIdCounts(jsm, stream);
  return acknowledged.filter((id) => !stored.has(id));
}

it('re-drives what a broker that forgot its acknowledged tail lost, on ACCOUNTS and CUSTOMERS, with no operator', async () => {
  const traffic = new FaultLoad({ accountsUrl: () => accountsUrl, publishCustomerCreated: createCustomer, workers: 4 }).start();
  await waitFor('load before the copy', async () => traffic.stats.acknowledged.size >= 30, 60_000);
  const copy = StoreCopy.take(system.nats);
  const atCopy = { ACCOUNTS: await lastSeq('ACCOUNTS'), CUSTOMERS: await lastSeq('CUSTOMERS') };
  // More events acknowledged after the copy: the tail the broker will forget.
  await waitFor(
    'events acknowledged after the copy',
    async () => (await lastSeq('ACCOUNTS')) >= atCopy.ACCOUNTS + 40 && (await lastSeq('CUSTOMERS')) >= atCopy.CUSTOMERS + 20,
    60_000,
  );
  const acknowledged = { ACCOUNTS: await acknowledgedIds(system.accountsDb.url), CUSTOMERS: await acknowledgedIds(system.customersDb.url) };
  await copy.kill();
  // The fault lands: the store that comes back lacks events the outboxes hold as acknowledged.
  const lost = await copy.inspect(async (jsm) => ({
    ACCOUNTS: await missing(jsm, 'ACCOUNTS', acknowledged.ACCOUNTS),
    CUSTOMERS: await missing(jsm, 'CUSTOMERS', acknowledged.CUSTOMERS),
  }));
  expect(lost.ACCOUNTS.length).toBeGreaterThan(0);
  expect(lost.CUSTOMERS.length).toBeGreaterThan(0);
  await copy.restore();
  const back = Date.now();
  await waitFor(
    'JetStream to answer again',
    () =>
      system.jsm.streams.info('ACCOUNTS').then(
        () => true,
        () => false,
      ),
    30_000,
    50,
  );
  const answering = Date.now() - back;

  let detectedAt = 0;
  await waitFor(
    'the lost events to be stored again',
    async () => {
      if (!detectedAt && (await metricValue(accountsUrl, 'calm_outbox_redriven_total')) + (await metricValue(customersUrl, 'calm_outbox_redriven_total')) > 0)
        detectedAt = Date.now() - back;
      return (await missing(system.jsm, 'ACCOUNTS', lost.ACCOUNTS)).length + (await missing(system.jsm, 'CUSTOMERS', lost.CUSTOMERS)).length === 0;
    },
    60_000,
    250,
  );
  const repairedAt = Date.now() - back;

  const last = traffic.stats.acknowledged.size + 10;
  await waitFor('load after the restore', async () => traffic.stats.acknowledged.size >= last, 60_000);
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(
    stats.acknowledged,
    system.probe(() => accountsUrl),
    120_000,
  );
  await waitFor('the customer outbox to be quiet', async () => (await metricValue(customersUrl, 'calm_outbox_backlog')) === 0, 30_000);

  // Every event either outbox holds is in its stream exactly once by id.
  for (const [stream, url] of [
    ['ACCOUNTS', system.accountsDb.url],
    ['CUSTOMERS', system.customersDb.url],
  ] as const) {
    const counts = await storedIdCounts(system.jsm, stream);
    const ids = await acknowledgedIds(url);
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
  }
  expect(await metricValue(accountsUrl, 'calm_outbox_redrive_gap')).toBe(0);
  expect(await metricValue(customersUrl, 'calm_outbox_redrive_gap')).toBe(0);
  const redriven = {
    ACCOUNTS: await metricValue(accountsUrl, 'calm_outbox_redriven_total'),
    CUSTOMERS: await metricValue(customersUrl, 'calm_outbox_redriven_total'),
  };
  for (const svc of ['accounts', 'customers']) expect(await replayCli(system, 'verify', svc, '--quiet')).toMatchObject({ code: 0 });

  process.stdout.write(
    `broker amnesia: store copied at ACCOUNTS seq ${atCopy.ACCOUNTS} / CUSTOMERS seq ${atCopy.CUSTOMERS}; the restored streams lacked ${lost.ACCOUNTS.length} / ${lost.CUSTOMERS.length} acknowledged events; JetStream answered ${answering} ms after the restart; first re-drive seen ${detectedAt} ms, every lost event stored again ${repairedAt} ms after the broker was back (audit every ${AUDIT_MS} ms); re-driven ${redriven.ACCOUNTS} / ${redriven.CUSTOMERS}; acknowledged accounts ${stats.acknowledged.size}, customers ${stats.published.size}; ${describeConvergence(report)}\n`,
  );
  expect(report.lost).toBe(0);
  expect(redriven.ACCOUNTS).toBeGreaterThanOrEqual(lost.ACCOUNTS.length);
  expect(redriven.CUSTOMERS).toBeGreaterThanOrEqual(lost.CUSTOMERS.length);
});
