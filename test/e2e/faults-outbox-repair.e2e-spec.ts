import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { repoRoot, waitFor } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Outbox durability: JetStream acknowledges before fsync, so a broker can lose the tail
 * of its store. Here it loses all of it (kill -9, store deleted, restart). The service
 * recreates its streams by itself, and `replay outbox republish accounts --from <t>`
 * puts the retained outbox rows back: every account's account.opened and
 * account.validated are on the stream again, once each.
 * Reproduce: npm run build && npx jest test/e2e/faults-outbox-repair.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(180_000);

const run = promisify(execFile);
let system: TestSystem;
let url: string;

beforeAll(async () => {
  system = await TestSystem.start('repair');
  ({ url } = await system.startAccounts());
  await system.nc.close();
  system.nc = await connect({ servers: system.nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  system.js = jetstream(system.nc);
  system.jsm = await jetstreamManager(system.nc);
});
afterAll(() => system?.stop());

const perAccount = async () => {
  const counts = new Map<string, number>();
  for (const m of await system.streamMessages('ACCOUNTS')) counts.set(m.subject, (counts.get(m.subject) ?? 0) + 1);
  return counts;
};

it('repairs a broker that lost its store by republishing the retained outbox', async () => {
  const from = new Date(Date.now() - 1000).toISOString();
  const accounts: string[] = [];
  for (let i = 0; i < 20; i++) {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await http(url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
    await system.publishCustomerCreated(customerId);
    accounts.push(accountId);
  }
  const expected = accounts.flatMap((id) => [`account.opened.${id}`, `account.validated.${id}`]).sort();
  await waitFor('every event on ACCOUNTS', async () => (await perAccount()).size === expected.length, 60_000);

  await system.nats.kill();
  rmSync(system.nats.storeDir, { recursive: true, force: true });
  mkdirSync(system.nats.storeDir);
  await system.nats.restart();
  await waitFor(
    'the service to recreate its streams on the empty broker',
    async () => (await system.jsm.streams.info('ACCOUNTS').catch(() => null)) !== null,
    60_000,
  );
  expect((await perAccount()).size).toBe(0);

  const env = { ...process.env, NATS_URL: system.nats.url, ACCOUNTS_DATABASE_URL: system.accountsDb.url, CUSTOMERS_DATABASE_URL: system.customersDb.url };
  const out = await run(process.execPath, [join(repoRoot(), 'dist/apps/replay/src/main.js'), 'outbox', 'republish', 'accounts', '--from', from], {
    env,
    cwd: repoRoot(),
  });
  expect(out.stderr).not.toMatch(/error/i);

  const counts = await waitFor('the republished events', async () => {
    const c = await perAccount();
    return c.size === expected.length ? c : null;
  });
  expect([...counts.keys()].sort()).toEqual(expected);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  process.stdout.write(`broker store loss: 1 kill + store deleted; ${accounts.length} accounts, ${expected.length} events republished from the outbox\n`);
});
