import { answersOk, freshDatabase, queryDatabase, ServiceProcess, startServiceProcess, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../migrations/accounts';

/**
 * The built services at start: two account services started together on a fresh
 * database both become ready with each migration applied once; a customer service with
 * MIGRATIONS_RUN=false leaves its database unmigrated and /health/ready says why.
 */
let nats: TestNatsServer;
const dbs: TestDatabase[] = [];
const services: ServiceProcess[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await Promise.all(dbs.map((d) => d.drop()));
  await nats?.stop();
});

const accountsService = (databaseUrl: string) =>
  startServiceProcess({
    entry: 'dist/apps/accounts/src/main.js',
    portVariable: 'ACCOUNTS_HTTP_PORT',
    env: { NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: databaseUrl },
    ready: answersOk('/health/ready'),
  });

it('two account services started at once on a fresh database are both ready, each migration applied once', async () => {
  const db = await freshDatabase('migstart');
  dbs.push(db);
  services.push(...(await Promise.all([accountsService(db.url), accountsService(db.url)])));
  const applied = await queryDatabase<{ name: string; n: number }>(db.url, 'SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
  expect(applied.map((r) => r.name).sort()).toEqual(accountsMigrations.map((m) => m.name).sort());
  expect(applied.every((r) => r.n === 1)).toBe(true);
});

it('MIGRATIONS_RUN=false: the database stays unmigrated and /health/ready answers 503 saying why', async () => {
  const db = await freshDatabase('migskip');
  dbs.push(db);
  const svc = await startServiceProcess({
    entry: 'dist/apps/customers/src/main.js',
    portVariable: 'CUSTOMERS_HTTP_PORT',
    env: { NATS_URL: nats.url, CUSTOMERS_DATABASE_URL: db.url, MIGRATIONS_RUN: 'false' },
  });
  services.push(svc);
  let body = '';
  for (let i = 0; i < 100 && !body.includes('MIGRATIONS_RUN'); i++) {
    const res = await fetch(`${svc.url}/health/ready`);
    expect(res.status).toBe(503);
    body = await res.text();
    if (!body.includes('MIGRATIONS_RUN')) await new Promise((r) => setTimeout(r, 100));
  }
  expect(JSON.parse(body)).toMatchObject({
    message: expect.stringContaining('database'),
    error: { database: { message: expect.stringContaining('run `npm run db:migrate`') } },
  });
  expect(await queryDatabase(db.url, `SELECT to_regclass('migrations') AS m, to_regclass('customer') AS c`)).toEqual([{ m: null, c: null }]);
  expect(svc.output()).toContain('MIGRATIONS_RUN=false');
});
