import { connect, headers as natsHeaders, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { consumers, customerCreated } from '@calm/contracts';
import { NatsClient, streamMessages } from '@calm/jetstream';
import { Database } from '@calm/pg';
import {
  describeConvergence,
  describeKillWindows,
  expectConverged,
  expectKillsLanded,
  FAULT_DUPLICATE_WINDOW_MS,
  FaultLoad,
  freshDatabase,
  TestDatabase,
  waitFor,
} from '@calm/testing';
import { startNatsCluster, TestNatsCluster } from '@calm/local-infra';
import { RunningService, startAccountsService } from '../../apps/accounts/src';
import { caughtAt, databaseNow, unpublishedIds } from '../support/held-at-kill';
import { http } from '../support/system';

/**
 * Clustered broker: three nats-servers on loopback with R3 streams; the service gets all
 * three URLs (NATS_URL's comma-separated form). One node is killed with SIGKILL under
 * load and later restarted; nothing is lost.
 * Reproduce: npx jest test/e2e/faults-cluster.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

let cluster: TestNatsCluster;
let db: TestDatabase;
let svc: RunningService;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  [cluster, db] = await Promise.all([startNatsCluster(3), freshDatabase('cluster')]);
  svc = await startAccountsService(
    { service: 'accounts', natsServers: cluster.urls, databaseUrl: db.url, httpPort: 0, apiTokens: null },
    { replicas: 3, duplicateWindowMs: FAULT_DUPLICATE_WINDOW_MS, relay: { pollMs: 200 }, consumer: { ackWaitMs: 3000, backoffMs: [3000, 3000] } },
  );
  await Promise.all([svc.app.get(Database).ready, svc.app.get(NatsClient).ready]);
  nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  js = jetstream(nc, { timeout: 5000 });
  jsm = await jetstreamManager(nc);
}, 120_000);
afterAll(async () => {
  await svc?.app.close().catch(() => undefined);
  await nc?.close().catch(() => undefined);
  await cluster?.stop();
  await db?.drop();
});

async function publish(customerId: string): Promise<void> {
  const event = customerCreated({ customerId, name: 'Cluster', email: 'c@example.com' }, new Date().toISOString(), '/crm');
  const h = natsHeaders();
  h.set('Nats-Msg-Id', event.id);
  await js.publish(`customer.created.${customerId}`, JSON.stringify(event), { headers: h });
}

it('loses nothing when one node of a 3-node JetStream cluster is killed under load', async () => {
  for (const stream of ['ACCOUNTS', 'CUSTOMERS']) expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
  const traffic = new FaultLoad({ accountsUrl: () => svc.url, publishCustomerCreated: publish, workers: 4 }).start();
  await waitFor('load before the fault', async () => traffic.stats.acknowledged.size >= 20, 60_000);
  // Kill the node that leads the CUSTOMERS stream: the worst case (an election). The leader
  // is read from the stream's cluster info, which must name one of our nodes and two
  // current replicas (the positive control: the cluster we are about to hurt is healthy).
  const healthyLeader = () =>
    waitFor('a CUSTOMERS leader with two current replicas', async () => {
      const info = (await jsm.streams.info('CUSTOMERS')).cluster;
      return info?.leader && info.replicas?.length === 2 && info.replicas.every((r) => r.current) ? info : null;
    });
  const electedOtherThan = (name: string) =>
    waitFor(
      'another node to be elected CUSTOMERS leader',
      async () => {
        const leader = (await jsm.streams.info('CUSTOMERS')).cluster?.leader;
        return leader && leader !== name ? leader : null;
      },
      60_000,
      200,
    );
  const { stream, durable } = consumers.validateAccountsWhenCustomerCreated;
  // The kill must land on work: aimed at a moment with a customer.created publish in flight,
  // and judged by what the service held, counted so that it can be 0: its unacked messages
  // just before the kill, and its unpublished rows just before it if still unpublished when
  // it landed. On a loaded machine a kill can still find nothing to hurt (CI: "0 of 1 kills
  // hit"): the node is then restarted and the fault made again, 3 times at most; the test
  // fails unless one landed.
  let victim!: (typeof cluster.nodes)[number];
  let window!: { unpublishedRows: number; unackedMessages: number };
  let elected!: string;
  let inFlight = 0;
  let kills = 0;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await healthyLeader();
    const node = cluster.nodes.find((n) => n.name === before.leader);
    if (!node) throw new Error(`the CUSTOMERS leader ${before.leader} is none of ${cluster.nodes.map((n) => n.name).join(', ')}`);
    victim = node;
    expect(before.replicas!.map((r) => r.name).sort()).toEqual(
      cluster.nodes
        .filter((n) => n !== victim)
        .map((n) => n.name)
        .sort(),
    );
    inFlight = await waitFor('a publish in flight', async () => traffic.inFlightNow().publishes || null, 30_000, 1);
    const [rowsBefore, unackedMessages] = await Promise.all([unpublishedIds(db.url), jsm.consumers.info(stream, durable).then((c) => c.num_ack_pending)]);
    const killedAt = await databaseNow(db.url);
    await victim.kill();
    kills++;
    window = { unpublishedRows: (await caughtAt(db.url, rowsBefore, killedAt)).length, unackedMessages };
    elected = await electedOtherThan(victim.name);
    if (window.unpublishedRows > 0 || window.unackedMessages > 0 || attempt === 3) break;
    process.stdout.write(`cluster node kill ${attempt} found nothing in the service's hands; restarting ${victim.name} and aiming again\n`);
    await victim.restart();
  }
  expect(cluster.nodes.map((n) => n.name)).toContain(elected);
  const atKill = traffic.stats.acknowledged.size;
  await waitFor('load to go on with two nodes', async () => traffic.stats.acknowledged.size >= atKill + 20, 90_000);
  await victim.restart();
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(stats.acknowledged, {
    getAccount: (id) => http(svc.url, 'GET', `/accounts/${id}`),
    validatedEvents: () => streamMessages<{ id: string }>(js, jsm, 'ACCOUNTS', 'account.validated.>'),
    databaseUrl: db.url,
  });
  process.stdout.write(
    `cluster node kill: ${kills} kill(s), the last landed counted (stream leader ${victim.name}, then ${elected} elected); publishes in flight ${inFlight}; at the kill ${window.unpublishedRows} unpublished outbox rows, ${window.unackedMessages} unacked messages; acknowledged ${stats.acknowledged.size}, events ${stats.published.size}, refused and retried ${stats.refused}; ${describeConvergence(report)}\n`,
  );
  expectKillsLanded([window]);
  process.stdout.write(`cluster node kill: ${describeKillWindows([window])}\n`);
});
