import {
  awaitWorkInFlight,
  describeConvergence,
  describeKillWindows,
  duplicatesAbsorbed,
  expectConverged,
  expectKillsLanded,
  FAULT_DUPLICATE_WINDOW_MS,
  FaultLoad,
  KillWindow,
  sampleKillWindow,
  ServiceProcess,
  startAccountsProcess,
  waitFor,
} from '@calm/testing';
import { TestSystem } from '../support/system';

/**
 * Process crashes: the built account service runs as a child process under load (POSTs
 * and customer.created events) and is killed with SIGKILL at moments when it has work in
 * a crash window (rows committed but not published, messages taken but not acked), then
 * restarted. The kills must provably land: at least one left such work behind (sampled
 * after the kill, before the restart). Every acknowledged account converges to valid with
 * one account.validated event id; the streams' duplicate window is short, so a republished
 * copy is counted, not hidden. The long version is test/faults/crash.soak-spec.ts.
 * Reproduce: npm run build && npx jest test/e2e/faults-crash.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(240_000);

const KILLS = Number(process.env.FAULT_KILLS ?? 3);
let system: TestSystem;
let svc: ServiceProcess;

beforeAll(async () => {
  system = await TestSystem.start('crash', { duplicateWindowMs: FAULT_DUPLICATE_WINDOW_MS });
  svc = await startAccountsProcess({ natsUrl: system.nats.url, databaseUrl: system.accountsDb.url });
});
afterAll(async () => {
  await svc?.stop();
  await system?.stop();
});

it(`converges after ${KILLS} SIGKILLs of the account service under load, each aimed at work in flight`, async () => {
  const traffic = new FaultLoad({
    accountsUrl: () => svc.url,
    publishCustomerCreated: (c) => system.publishCustomerCreated(c).then(() => undefined),
    workers: 4,
  }).start();
  const postsInFlight: number[] = [];
  const windows: KillWindow[] = [];
  for (let i = 0; i < KILLS; i++) {
    const target = traffic.stats.acknowledged.size + 5 + Math.floor(Math.random() * 20);
    await waitFor('load before the kill', async () => traffic.stats.acknowledged.size >= target, 60_000);
    await awaitWorkInFlight(system.accountsDb.url, system.jsm);
    postsInFlight.push(traffic.inFlightNow().posts);
    const exit = await svc.signal('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    windows.push(await sampleKillWindow(system.accountsDb.url, system.jsm));
    await svc.restart();
  }
  const last = traffic.stats.acknowledged.size + 10;
  await waitFor('load after the last restart', async () => traffic.stats.acknowledged.size >= last, 60_000);
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(
    stats.acknowledged,
    system.probe(() => svc.url),
  );
  process.stdout.write(
    `SIGKILL account service: ${KILLS} kills; POSTs in flight at each: ${postsInFlight.join(', ')}, ${stats.cutOff} cut off mid-request; acknowledged ${stats.acknowledged.size}, events ${stats.published.size}, refused and retried ${stats.refused}; ${describeKillWindows(windows)}; ${describeConvergence(report)}; event copies absorbed by the inbox since the last restart ${await duplicatesAbsorbed(svc.url)}\n`,
  );
  expectKillsLanded(windows);
});
