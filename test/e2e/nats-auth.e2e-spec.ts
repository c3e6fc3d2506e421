import { Logger } from '@nestjs/common';
import { NatsClient } from '@calm/jetstream';
import { Database } from '@calm/pg';
import { loadConfig } from '@calm/config';
import { freshDatabase, TestDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { startAccountsService, RunningService } from '../../apps/accounts/src';
import { http } from '../support/system';

/** Credentials given in NATS_URL reach the broker: a server that demands them accepts the service. */
let nats: TestNatsServer;
let db: TestDatabase;
let svc: RunningService | undefined;

beforeAll(async () => {
  [nats, db] = await Promise.all([startNatsServer(['--user', 'calm', '--pass', 's3cret']), freshDatabase('natsauth')]);
});
afterAll(async () => {
  await svc?.app.close();
  await nats.stop();
  await db.drop();
});

it('connects with user and password taken from NATS_URL and reports ready', async () => {
  const config = loadConfig('accounts', {
    NATS_URL: `nats://calm:s3cret@127.0.0.1:${nats.port}`,
    ACCOUNTS_DATABASE_URL: db.url,
    ACCOUNTS_HTTP_PORT: '1',
  });
  expect(config.natsServers.join()).not.toContain('s3cret');
  svc = await startAccountsService({ ...config, httpPort: 0 });
  await svc.app.get(Database).ready;
  await waitFor('NATS to connect with credentials', async () => svc!.app.get(NatsClient).isConnected, 15_000);
  const ready = await waitFor('ready', async () => {
    const r = await http(svc!.url, 'GET', '/health/ready');
    return r.status === 200 ? r : null;
  });
  expect(JSON.stringify(ready.body)).not.toContain('s3cret');
});

describe('the same client, right and wrong password', () => {
  // The client logs why each connect attempt failed: the refusal must be the server's
  // authorization error, not a slow or lost connection (which a timer could not tell apart).
  const attempts = (warn: jest.SpyInstance) => warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('cannot reach NATS'));
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn')));
  afterEach(() => warn.mockRestore());

  it('positive control: connects with the right password', async () => {
    const client = new NatsClient({ name: 'right', servers: [`nats://127.0.0.1:${nats.port}`], streams: [], connectOptions: { user: 'calm', pass: 's3cret' } });
    try {
      await client.ready;
      expect(client.isConnected).toBe(true);
      expect(attempts(warn)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('is refused with an authorization error on a wrong password, and stays disconnected', async () => {
    const client = new NatsClient({ name: 'wrong', servers: [`nats://127.0.0.1:${nats.port}`], streams: [], connectOptions: { user: 'calm', pass: 'nope' } });
    let connected = false;
    void client.ready.then(
      () => (connected = true),
      () => undefined,
    );
    try {
      const refusals = await waitFor('two refused connect attempts', async () => {
        const seen = attempts(warn);
        return seen.length >= 2 ? seen : null;
      });
      for (const r of refusals) expect(r).toMatch(/authorization violation/i);
      expect(connected).toBe(false);
      expect(client.isConnected).toBe(false);
    } finally {
      await client.close();
    }
  });
});

it('shuts down within 10 s while NATS has never been reachable', async () => {
  const unreachable = await startAccountsService({ ...loadConfig('accounts', { ACCOUNTS_DATABASE_URL: db.url, NATS_URL: 'nats://127.0.0.1:1' }), httpPort: 0 });
  await unreachable.app.get(Database).ready;
  const started = Date.now();
  const closed = await Promise.race([unreachable.app.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
  expect(closed).toBe('closed');
  expect(Date.now() - started).toBeLessThan(10_000);
});
