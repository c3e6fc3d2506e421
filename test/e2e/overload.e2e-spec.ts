import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { freshDatabase, ServiceProcess, startServiceProcess, TestDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { http } from '../support/system';

/**
 * A flood of POST /accounts held behind a locked customer (this test holds the customer's
 * advisory lock, as a long transaction of the join would): the write queue is bounded, so
 * the excess is answered 503 with Retry-After at once instead of piling up in memory, and
 * everything held completes once the lock is released.
 */
const FLOOD = 400;
const MAX_QUEUED = 20;
let nats: TestNatsServer;
let db: TestDatabase;
let service: ServiceProcess;

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

beforeAll(async () => {
  [nats, db] = await Promise.all([startNatsServer(), freshDatabase('overload')]);
  service = await startServiceProcess({
    entry: 'dist/apps/accounts/src/main.js',
    env: { NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: db.url, WRITE_QUEUE_MAX: String(MAX_QUEUED), WRITE_QUEUE_WAIT_MS: '20000', LOG_LEVEL: 'warn' },
    portVariable: 'ACCOUNTS_HTTP_PORT',
    ready: async (url) => {
      await waitFor('ready', async () => (await http(url, 'GET', '/health/ready')).status === 200, 30_000);
    },
  });
});
afterAll(async () => {
  await service?.stop();
  await nats.stop();
  await db.drop();
});

it('a flood held behind a locked customer is answered 503 with Retry-After beyond the queue bound; RSS stays bounded; the held ones complete', async () => {
  const customerId = randomUUID();
  expect((await http(service.url, 'POST', '/accounts', { accountId: randomUUID(), customerId })).status).toBe(201);
  const holder = new Client({ connectionString: db.url });
  await holder.connect();
  const pid = service.process.pid!;
  const rssBefore = rssKb(pid);
  let rssMax = rssBefore;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssKb(pid))), 50);
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [customerId]);
    const answers: { status: number; retryAfter: string | null }[] = [];
    const flood = Array.from({ length: FLOOD }, () =>
      http(service.url, 'POST', '/accounts', { accountId: randomUUID(), customerId }).then((r) => {
        answers.push({ status: r.status, retryAfter: r.headers.get('retry-after') });
        return r.status;
      }),
    );
    // Well before any waiter's deadline (20 s): the refusals are the queue's bound at work.
    await waitFor('the refusals', async () => answers.filter((a) => a.status === 503).length >= FLOOD - 4 * 16 - MAX_QUEUED, 10_000);
    // Nothing got through the lock meanwhile: every answer so far is a refusal.
    expect(answers.filter((a) => a.status !== 503)).toEqual([]);
    await holder.query('ROLLBACK');
    const statuses = await Promise.all(flood);
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 503 && a.retryAfter !== '20')).toEqual([]);
    // The held ones (in running batches and in the queue) complete once the lock is gone.
    const created = statuses.filter((s) => s === 201).length;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThanOrEqual(4 * 16 + MAX_QUEUED);
    const listed = await http(service.url, 'GET', `/accounts?customerId=${customerId}&limit=100`);
    expect(listed.body.items).toHaveLength(created + 1);
  } finally {
    clearInterval(sampler);
    await holder.end();
  }
  // The refused requests hold nothing once answered; the bound is on what waits, not on the client.
  expect((rssMax - rssBefore) / 1024).toBeLessThan(64);
});
