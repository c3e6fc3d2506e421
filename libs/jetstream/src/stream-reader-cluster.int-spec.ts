import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startNatsCluster, TestNatsCluster } from '@calm/local-infra';
import { waitFor } from '@calm/testing';
import { readStream } from './stream-reader';

/**
 * A read of an R3 stream must return the whole stream even when one replica lags behind.
 * nats-server places an ephemeral (R1) consumer on any of the stream's peers, a replica that
 * is still catching up after a restart included; such a consumer reports and delivers only
 * what that replica holds. The reader stopped at the consumer's "nothing pending" and so
 * returned part of the stream: the cluster fault test then saw valid accounts "without
 * account.validated", and a replay in a cluster would fold part of its history.
 * Reproduce: npx jest libs/jetstream/src/stream-reader-cluster.int-spec.ts --selectProjects integration
 */
jest.setTimeout(120_000);

const STREAM = 'LAGGY';
const ROUNDS = 10; // published while one node is down, so it lags behind when it returns
const PER_ROUND = 500;
const READ_WINDOW_MS = 10_000; // reads after each restart: the rejoin (about 2 s) and the catch-up

let cluster: TestNatsCluster;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

async function publish(prefix: string, n: number): Promise<void> {
  // A publish that times out (a node going away) is sent again under the same id: deduplicated.
  const once = (i: number): Promise<unknown> =>
    js.publish(`lag.${prefix}.${i}`, `${prefix}-${i}`.padEnd(200, '.'), { msgID: `${prefix}-${i}` }).catch(() => once(i));
  await Promise.all(Array.from({ length: n }, (_, i) => once(i)));
}

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  js = jetstream(nc, { timeout: 10_000 });
  jsm = await waitFor('the JetStream meta leader', () => jetstreamManager(nc).catch(() => null), 60_000, 250);
  await waitFor('an R3 stream', () => jsm.streams.add({ name: STREAM, subjects: ['lag.>'], num_replicas: 3 }).catch(() => null), 60_000, 250);
  await publish('before', PER_ROUND);
}, 120_000);

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await cluster?.stop();
});

interface Read {
  servedBy?: string;
  /** What the consumer counted as pending when it was made (its replica's view). */
  total: number;
  count: number;
}

it('reads the whole stream, filtered or not, from a consumer placed on a replica that is catching up', async () => {
  // The returned node rejoins its routes about 2 s after it starts and only then catches up:
  // reads in that window on a consumer placed there (one in three, placement taken as it
  // comes) are the fault. A window missed altogether (a slow machine) is made again.
  const lagged: Read[] = [];
  for (let attempt = 1; attempt <= 3 && lagged.length === 0; attempt++) {
    const leader = await waitFor('a stream leader', async () => (await jsm.streams.info(STREAM)).cluster?.leader ?? null);
    // Neither the leader (no election) nor the node this client talks to (no reconnect).
    const victim = cluster.nodes.find((n) => n.name !== leader && n.name !== nc.info?.server_name)!;
    await victim.kill();
    for (let r = 0; r < ROUNDS; r++) await publish(`a${attempt}.r${r}`, PER_ROUND);
    await victim.restart();
    const info = await jsm.streams.info(STREAM);
    const total = info.state.messages;
    expect(total).toBe(PER_ROUND * (1 + attempt * ROUNDS));
    const lastRound = `lag.a${attempt}.r${ROUNDS - 1}.>`;
    // Reads go on for a while after the restart, not for a number of reads: a faster
    // reader would otherwise finish them all before the node has rejoined its routes.
    const until = Date.now() + READ_WINDOW_MS;
    for (let i = 0; Date.now() < until && lagged.length < 2; i++) {
      const filtered = i % 2 === 1;
      const seen: string[] = [];
      const read: Read = { total: -1, count: 0 };
      const r = await readStream(
        js,
        jsm,
        { stream: STREAM, filterSubject: filtered ? lastRound : undefined, placementTries: 1, onTotal: (n) => (read.total = n) },
        (m) => void seen.push(m.subject),
      );
      Object.assign(read, { servedBy: r.servedBy, count: r.count });
      expect(r.lastSeq).toBe(total);
      if (filtered) {
        expect(r.count).toBe(PER_ROUND);
        expect(seen[PER_ROUND - 1]).toBe(`lag.a${attempt}.r${ROUNDS - 1}.${PER_ROUND - 1}`);
      } else {
        expect(r.count).toBe(total);
      }
      // The fault landed on this read: its consumer saw less than the stream holds.
      if (read.total < (filtered ? PER_ROUND : total)) lagged.push(read);
    }
    // The read as the replay makes it (a lagging placement replaced) is whole as well.
    expect((await readStream(js, jsm, { stream: STREAM }, () => undefined)).count).toBe(total);
  }
  process.stdout.write(`reads on a lagging replica: ${lagged.map((r) => `${r.servedBy} counted ${r.total}, read ${r.count}`).join('; ')}\n`);
  expect(lagged.length).toBeGreaterThan(0);
});
