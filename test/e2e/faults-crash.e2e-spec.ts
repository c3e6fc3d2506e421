import { describeKillWindows, expectConverged, FaultLoad, KillWindow, sampleKillWindow, ServiceProcess, startAccountsProcess, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Process crashes: the built account service runs as a child process under load (POSTs
 * and customer.created events) and is killed with SIGKILL at random moments (between
 * commit and publish, between publish and outbox mark, mid-batch: wherever it happens to
 * be), then restarted. Every acknowledged account converges to valid with exactly one
 * account.validated event. The long version is test/faults/crash.soak-spec.ts.
 * Reproduce: npm run build && npx jest test/e2e/faults-crash.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(240_000);

const KILLS = Number(process.env.FAULT_KILLS ?? 3);
let system: TestSystem;
let svc: ServiceProcess;

beforeAll(async () => {
  system = await TestSystem.start('crash');
  svc = await startAccountsProcess({ natsUrl: system.nats.url, databaseUrl: system.accountsDb.url });
});
afterAll(async () => {
  await svc?.stop();
  await system?.stop();
});

it(`converges after ${KILLS} SIGKILLs of the account service under load`, async () => {
  const traffic = new FaultLoad({ accountsUrl: () => svc.url, publishCustomerCreated: (c) => system.publishCustomerCreated(c).then(() => undefined), workers: 4 }).start();
  const inFlight: number[] = [];
  const windows: KillWindow[] = [];
  for (let i = 0; i < KILLS; i++) {
    const target = traffic.stats.acknowledged.size + 5 + Math.floor(Math.random() * 20);
    await waitFor('load before the kill', async () => traffic.stats.acknowledged.size >= target, 60_000);
    await new Promise((r) => setTimeout(r, Math.random() * 300));
    inFlight.push(traffic.inFlightNow);
    const exit = await svc.signal('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    windows.push(await sampleKillWindow(system.accountsDb.url, system.jsm));
    await svc.restart();
  }
  const last = traffic.stats.acknowledged.size + 10;
  await waitFor('load after the last restart', async () => traffic.stats.acknowledged.size >= last, 60_000);
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(stats.acknowledged, {
    getAccount: (id) => http(svc.url, 'GET', `/accounts/${id}`),
    validatedEvents: () => system.streamMessages('ACCOUNTS', 'account.validated.>'),
  });
  process.stdout.write(
    `SIGKILL account service: ${KILLS} kills; in flight at each: ${inFlight.join(', ')}; acknowledged ${stats.acknowledged.size}, events ${stats.published.size}, refused and retried ${stats.refused}; ${describeKillWindows(windows)}; lost 0; account.validated ${report.validatedEvents}\n`,
  );
});
