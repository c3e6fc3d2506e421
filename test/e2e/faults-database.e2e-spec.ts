import { randomUUID } from 'node:crypto';
import { startAccountsService } from '../../apps/accounts/src/accounts.app';
import { expectConverged, FaultLoad, queryDatabase, startPostgresServer, TestPostgresServer, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Database faults under load: a private PostgreSQL (initdb in a temporary directory) is
 * stopped in immediate mode, as in a crash, and started again, twice. No request that
 * was answered 2xx is lost, readiness reports the outage, writes are refused with 503
 * meanwhile, and the consumer holds its events instead of dead-lettering them.
 * Reproduce: npx jest test/e2e/faults-database.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

let system: TestSystem;
let pg: TestPostgresServer;
let url: string;
let dbUrl: string;

beforeAll(async () => {
  [system, pg] = await Promise.all([TestSystem.start('dbfault'), startPostgresServer()]);
  dbUrl = pg.urlFor('calm_test_dbfault');
  const svc = await startAccountsService({ ...system.config('accounts'), databaseUrl: dbUrl }, { relay: { pollMs: 200 }, consumer: { ackWaitMs: 2000, backoffMs: [2000, 2000] } });
  system.accounts.push(svc);
  url = svc.url;
  await waitFor('the service to reach its database', async () => (await http(url, 'GET', `/accounts?customerId=${randomUUID()}`)).status === 200, 60_000);
});
afterAll(async () => {
  await system?.stop();
  await pg?.destroy();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('loses no acknowledged request when PostgreSQL stops in immediate mode under load', async () => {
  const traffic = new FaultLoad({ accountsUrl: () => url, publishCustomerCreated: (c) => system.publishCustomerCreated(c).then(() => undefined), workers: 4 }).start();
  const inFlight: number[] = [];
  const OUTAGES = 2;
  for (let i = 0; i < OUTAGES; i++) {
    await waitFor('some load before the fault', async () => traffic.stats.acknowledged.size >= 25 * (i + 1), 60_000);
    inFlight.push(traffic.inFlightNow);
    await pg.stopImmediate();
    // During the outage: writes are refused cleanly, and readiness names the database.
    const post = await waitFor('POST to be refused with 503', async () => {
      const res = await http(url, 'POST', '/accounts', { customerId: randomUUID() });
      return res.status === 503 ? res : null;
    });
    expect(post.body).toEqual(expect.objectContaining({ statusCode: 503 }));
    const ready = await http(url, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/database/i);
    await pause(2000);
    await pg.start();
  }
  await waitFor('load after the last restart', async () => traffic.stats.acknowledged.size >= 25 * (OUTAGES + 1), 60_000);
  const stats = await traffic.stop();
  expect(stats.serverErrors).toEqual([]);
  const report = await expectConverged(stats.acknowledged, {
    getAccount: (id) => http(url, 'GET', `/accounts/${id}`),
    validatedEvents: () => system.streamMessages('ACCOUNTS', 'account.validated.>'),
  });
  // An outage is transient: nothing was dead-lettered for it.
  expect(await queryDatabase(dbUrl, 'SELECT * FROM dead_letter')).toEqual([]);
  await waitFor('readiness to recover', async () => (await http(url, 'GET', '/health/ready')).status === 200);
  process.stdout.write(
    `postgres stop -m immediate: ${OUTAGES} outages; in flight at each: ${inFlight.join(', ')}; acknowledged ${stats.acknowledged.size}, events ${stats.published.size}, refused and retried ${stats.refused}; lost 0; account.validated ${report.validatedEvents}; readiness 503 naming the database during each outage\n`,
  );
});
