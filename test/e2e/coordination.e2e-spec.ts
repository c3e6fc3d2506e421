import { Client } from 'pg';
import { ServiceProcess, answersOk, queryDatabase, startAccountsProcess, startServiceProcess, waitFor } from '@calm/testing';
import { TestNatsServer, TestPostgresServer, startNatsServer, startPostgresServer } from '@calm/local-infra';
import { startCoordinator } from '../../bench/src/coordination/coordinator-process';
import { JsonHttpClient } from '../../bench/src/http-client';
import { Scenario, newScenario } from '../../bench/src/coordination/scenario';
import { gidOf } from '../../bench/src/coordination/twopc/participant';

/**
 * The three designs of the coordination bench (bench/src/coordination) complete the seed
 * scenario "open an account for a new customer", one account and several at once for the
 * same customer, each service writing only its own database: sync and twopc go through
 * the onboarding coordinator, which reaches the services over HTTP and holds no URL of
 * their databases; in twopc the services are the participants, each preparing its branch
 * in its own database. The coordinator's recovery finishes an in-doubt transaction
 * consistently on both databases after the coordinator is killed (SIGKILL) between the
 * prepares and the commits.
 * Runs against a private PostgreSQL cluster (max_prepared_transactions > 0; the machine's
 * server is never reconfigured) and a private nats-server, services and coordinators built in dist/.
 * Reproduce: npx jest test/e2e/coordination.e2e-spec.ts --selectProjects integration
 */
jest.setTimeout(120_000);

let pg: TestPostgresServer;
let nats: TestNatsServer;
let customers: ServiceProcess;
let accounts: ServiceProcess;
const coordinators: ServiceProcess[] = [];
const db = { customers: 'calm_test_coord_customers', accounts: 'calm_test_coord_accounts', log: 'calm_test_coord_log' };

beforeAll(async () => {
  [pg, nats] = await Promise.all([startPostgresServer({ settings: { max_prepared_transactions: 20 } }), startNatsServer()]);
  await queryDatabase(pg.url, `CREATE DATABASE ${db.log}`);
  // The participant API is off unless asked for: here it is asked for.
  const participant = { TWOPC_PARTICIPANT: 'true' };
  [customers, accounts] = await Promise.all([
    startServiceProcess({
      entry: 'dist/apps/customers/src/main.js',
      portVariable: 'CUSTOMERS_HTTP_PORT',
      env: { NATS_URL: nats.url, CUSTOMERS_DATABASE_URL: pg.urlFor(db.customers), ...participant },
      ready: answersOk('/health/ready'),
    }),
    startAccountsProcess({ natsUrl: nats.url, databaseUrl: pg.urlFor(db.accounts), extra: participant }),
  ]);
});

// One twopc coordinator at a time: recovery assumes it alone owns the gid prefix.
afterEach(async () => {
  await Promise.all(coordinators.splice(0).map((c) => c.terminate()));
});

afterAll(async () => {
  await Promise.all([customers?.stop(), accounts?.stop()]);
  await Promise.all([pg?.destroy(), nats?.stop()]);
});

/** The coordinator knows the services' URLs and its own log database, never a service's database. */
const servicesEnv = () => ({ CUSTOMERS_URL: customers.url, ACCOUNTS_URL: accounts.url });
const twopcEnv = (crashAt?: string) => ({
  ...servicesEnv(),
  TWOPC_LOG_DATABASE_URL: pg.urlFor(db.log),
  TWOPC_RECOVERY_MS: '200',
  ...(crashAt ? { TWOPC_CRASH_AT: crashAt } : {}),
});

async function coordinator(kind: 'sync' | 'twopc', env: Record<string, string>): Promise<ServiceProcess> {
  const c = await startCoordinator(kind, env);
  coordinators.push(c);
  return c;
}

const accountRow = async (accountId: string) =>
  (
    await queryDatabase<{ status: string; opened_at: Date; validated_at: Date | null }>(
      pg.urlFor(db.accounts),
      'SELECT status, opened_at, validated_at FROM account WHERE account_id = $1',
      [accountId],
    )
  )[0];
const customerRow = async (customerId: string) =>
  (await queryDatabase<{ created_at: Date }>(pg.urlFor(db.customers), 'SELECT * FROM customer WHERE customer_id = $1', [customerId]))[0];
/** The prepared branches of `gid` (each participant prepares `<gid>_<participant>`), each with the database it was prepared in. */
const branchesOf = async (gid: string) =>
  (
    await queryDatabase<{ gid: string; database: string }>(
      pg.url,
      `SELECT gid, database FROM pg_prepared_xacts WHERE gid IN ($1 || '_customers', $1 || '_accounts') ORDER BY gid`,
      [gid],
    )
  ).map((r) => `${r.gid.slice(gid.length + 1)} in ${r.database}`);
const preparedBranches = async (gid: string) => (await branchesOf(gid)).length;

/** The scenario's final status: the customer exists and the account reads valid over REST. */
async function expectCompleted(s: Scenario): Promise<void> {
  expect((await fetch(`${customers.url}/customers/${s.customerId}`)).status).toBe(200);
  const account = await waitFor('the account to read valid', async () => {
    const body = (await (await fetch(`${accounts.url}/accounts/${s.accountId}`)).json()) as { status: string; customerId: string };
    return body.status === 'valid' ? body : null;
  });
  expect(account.customerId).toBe(s.customerId);
}

it('calm: the customer POST and the account POST, sent independently in both orders, both answer 201 and the account converges to valid', async () => {
  const client = (url: string) => new JsonHttpClient(url, 4, 15_000);
  for (const accountFirst of [true, false]) {
    const s = newScenario();
    const account = () => client(accounts.url).call('POST', '/accounts', { accountId: s.accountId, customerId: s.customerId });
    const customer = () => client(customers.url).call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });
    const [first, second] = accountFirst ? [account(), customer()] : [customer(), account()];
    expect((await first).status).toBe(201);
    expect((await second).status).toBe(201);
    await expectCompleted(s);
  }
});

it('sync: the coordinator creates the customer through the customer service, then opens the account through the account service', async () => {
  const sync = await coordinator('sync', servicesEnv());
  const s = newScenario();
  const res = await new JsonHttpClient(sync.url, 1, 15_000).call('POST', '/scenarios', s);
  expect(res.status).toBe(201);
  const [customer, account] = [await customerRow(s.customerId), await accountRow(s.accountId)];
  // Temporal order: the account was opened after the customer service had answered.
  expect(account.opened_at.getTime()).toBeGreaterThanOrEqual(customer.created_at.getTime());
  await expectCompleted(s);
});

it('twopc: customer and account commit atomically, each prepared by its own service in its own database, leaving no prepared transaction', async () => {
  const twopc = await coordinator('twopc', twopcEnv());
  const s = newScenario();
  const res = await new JsonHttpClient(twopc.url, 1, 15_000).call('POST', '/scenarios', s);
  expect(res).toEqual({ status: 201, body: expect.objectContaining({ outcome: 'committed' }) });
  // Valid from its first committed state: the account branch carried the customer's creation.
  expect((await accountRow(s.accountId)).status).toBe('valid');
  expect(await customerRow(s.customerId)).toBeDefined();
  expect(await preparedBranches(gidOf(s.accountId))).toBe(0);
  await expectCompleted(s);
});

it.each(['sync', 'twopc'] as const)('%s: four accounts opened at once for the same new customer all complete', async (kind) => {
  const c = await coordinator(kind, kind === 'sync' ? servicesEnv() : twopcEnv());
  const s = newScenario();
  const group = [s, ...Array.from({ length: 3 }, () => ({ ...s, accountId: newScenario().accountId }))];
  const client = new JsonHttpClient(c.url, 4, 15_000);
  const answers = await Promise.all(group.map((g) => client.call('POST', '/scenarios', g)));
  expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
  for (const g of group) await expectCompleted(g);
});

it('a service serves no participant API unless TWOPC_PARTICIPANT asks for it', async () => {
  const plain = await startAccountsProcess({ natsUrl: nats.url, databaseUrl: pg.urlFor(db.accounts) });
  try {
    expect((await fetch(`${plain.url}/twopc/branches`)).status).toBe(404);
    expect((await fetch(`${accounts.url}/twopc/branches`)).status).toBe(200);
  } finally {
    await plain.stop();
  }
});

/** Starts a coordinator that kills itself at `crashAt`, sends it one scenario, and checks the in-doubt state it leaves. */
async function crashBetweenPrepareAndCommit(crashAt: 'after-prepare' | 'after-decision'): Promise<Scenario> {
  const doomed = await coordinator('twopc', twopcEnv(crashAt));
  const s = newScenario();
  const res = await new JsonHttpClient(doomed.url, 1, 15_000).call('POST', '/scenarios', s);
  expect(res.status).toBe(0); // no answer: the process died
  expect(await doomed.exited()).toEqual({ code: null, signal: 'SIGKILL' });
  const gid = gidOf(s.accountId);
  // In doubt on both sides, each branch in its own service's database: prepared, invisible, and still holding its row locks (2PL).
  expect(await branchesOf(gid)).toEqual([`accounts in ${db.accounts}`, `customers in ${db.customers}`]);
  expect(await customerRow(s.customerId)).toBeUndefined();
  expect(await accountRow(s.accountId)).toBeUndefined();
  const c = new Client({ connectionString: pg.urlFor(db.customers) });
  await c.connect();
  try {
    await c.query(`SET lock_timeout = '300ms'`);
    await expect(
      c.query(`INSERT INTO customer (customer_id, name, email, created_at) VALUES ($1, 'x', 'x@example.com', now())`, [s.customerId]),
    ).rejects.toMatchObject({ code: '55P03' });
  } finally {
    await c.end();
  }
  return s;
}

it.each([
  {
    crashAt: 'after-prepare' as const,
    when: 'after both PREPAREs but before its decision',
    outcome: 'rolled back',
    recovered: /recovery: committed 0, rolled back 2/,
  },
  {
    crashAt: 'after-decision' as const,
    when: 'after its commit decision but before COMMIT PREPARED',
    outcome: 'committed',
    recovered: /recovery: committed 2, rolled back 0/,
  },
])('twopc recovery: a coordinator killed $when is $outcome on both databases', async ({ crashAt, recovered }) => {
  const s = await crashBetweenPrepareAndCommit(crashAt);
  const fresh = await coordinator('twopc', twopcEnv());
  await waitFor('recovery to finish the in-doubt transaction on both sides', async () => (await preparedBranches(gidOf(s.accountId))) === 0);
  expect(fresh.output()).toMatch(recovered);
  if (crashAt === 'after-prepare') {
    expect(await customerRow(s.customerId)).toBeUndefined();
    expect(await accountRow(s.accountId)).toBeUndefined();
    // Aborted, not blocked: the same scenario goes through afterwards.
    expect((await new JsonHttpClient(fresh.url, 1, 15_000).call('POST', '/scenarios', s)).status).toBe(201);
  } else {
    expect(await customerRow(s.customerId)).toBeDefined();
    expect((await accountRow(s.accountId)).status).toBe('valid');
  }
  await expectCompleted(s);
});

// Last: it crashes the cluster every other test uses.
it('twopc: the coordinator and both participant services outlive their databases dying under load (branches in flight), and complete scenarios once they are back', async () => {
  const twopc = await coordinator('twopc', twopcEnv());
  const client = new JsonHttpClient(twopc.url, 8, 5000);
  let stop = false;
  const answered: number[] = [];
  // Eight scenarios in flight all the time: at the crash, branches are being written, prepared and committed on both sides.
  const workers = Array.from({ length: 8 }, async () => {
    while (!stop) answered.push((await client.call('POST', '/scenarios', newScenario())).status);
  });
  await waitFor('some scenarios committed before the crash', async () => answered.filter((s) => s === 201).length >= 10);
  await pg.stopImmediate();
  const failedBefore = answered.length;
  await waitFor('requests refused while the databases are down', async () => answered.length > failedBefore + 8);
  stop = true;
  await Promise.all(workers);
  expect(twopc.process.exitCode).toBeNull();
  expect(twopc.process.signalCode).toBeNull();
  await pg.start();
  const s = newScenario();
  await waitFor('a scenario to commit after the restart', async () => (await client.call('POST', '/scenarios', s)).status === 201, 60_000, 250);
  await waitFor('no prepared branch left behind', async () => (await queryDatabase(pg.url, 'SELECT gid FROM pg_prepared_xacts')).length === 0, 30_000);
});
