import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { AckPolicy } from '@nats-io/jetstream';
import { Client } from 'pg';
import { queryDatabase, waitFor } from '@calm/testing';
import { http, TestSystem } from '../../../test/support/system';
import { CliIo } from './cli/cli-io';
import { run } from './main';
import { consumers } from '@calm/contracts';

const created = consumers.validateAccountsWhenCustomerCreated;

/**
 * `replay rebuild` refuses while the service runs, on each of its signs, and its swap
 * is atomic for readers. The database-session sign is in replay-cli.int-spec.ts; here:
 * the waiting-pull sign alone, the re-check inside the swap transaction (a service that
 * appears during the fold), --force, and readers during the swap.
 */
jest.setTimeout(120_000);

let system: TestSystem;
let accountIds: string[] = [];

async function cli(argv: string[], onOut: (line: string) => void = () => undefined): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => (out.push(t), onOut(t)),
    err: (t) => (err.push(t), onOut(t)),
    isTTY: false,
    env: { NATS_URL: system.nats.url, ACCOUNTS_DATABASE_URL: system.accountsDb.url, CUSTOMERS_DATABASE_URL: system.customersDb.url },
  };
  const code = await run(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const count = async () => Number((await queryDatabase<{ n: string }>(system.accountsDb.url, 'SELECT count(*) AS n FROM account'))[0].n);

beforeAll(async () => {
  system = await TestSystem.start('rebuildguard');
  const { url } = await system.startAccounts();
  accountIds = Array.from({ length: 40 }, () => randomUUID());
  for (const accountId of accountIds) expect((await http(url, 'POST', '/accounts', { accountId, customerId: randomUUID() })).status).toBe(201);
  await waitFor(
    'the outbox to publish',
    async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length === 0,
  );
  // The service stops: from here on no database session of it is left. PostgreSQL ends a
  // closed client's backend asynchronously, so wait until pg_stat_activity no longer lists it.
  await system.accounts.pop()!.app.close();
  await waitFor(
    "the closed service's sessions to end",
    async () =>
      (
        await queryDatabase(
          system.accountsDb.url,
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        )
      ).length === 0,
  );
});
afterAll(() => system?.stop());

it('refuses on a pull request waiting on the durable consumer alone (no database session)', async () => {
  const consumer = await system.js.consumers.get(created.stream, created.durable);
  const info = await system.jsm.consumers.info(created.stream, created.durable);
  expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
  // A pull consumer like the service's: it pulls as soon as it is iterated.
  const pulling = await consumer.consume({ max_messages: 1 });
  const draining = (async () => {
    for await (const m of pulling) m.nak();
  })();
  try {
    await waitFor('a waiting pull request', async () => (await system.jsm.consumers.info(created.stream, created.durable)).num_waiting > 0);
    const before = await count();
    const r = await cli(['rebuild', 'accounts']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(new RegExp(`refusing to rebuild accounts while the service is running: consumer ${created.durable} has \\d+ waiting pull request`));
    expect(r.err).not.toContain('database session');
    expect(await count()).toBe(before);
  } finally {
    await pulling.close();
    await draining;
  }
  await waitFor('no waiting pull request', async () => (await system.jsm.consumers.info(created.stream, created.durable)).num_waiting === 0);
});

it('re-checks inside the swap transaction: a service that connects during the fold is refused, nothing changes', async () => {
  await queryDatabase(system.accountsDb.url, 'DELETE FROM account WHERE account_id = $1', [accountIds[0]]);
  const before = await count();
  let late: ReturnType<typeof spawn> | undefined;
  // The fold's statistics are printed after the first check and before the swap: at that
  // line a "service" session connects, and the CLI is held (synchronously) until it shows.
  const r = await cli(['rebuild', 'accounts'], (line) => {
    if (late || !/events/.test(line)) return;
    late = spawn('psql', [system.accountsDb.url, '-Atc', 'SELECT pg_sleep(60)'], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      const n = execFileSync('psql', [
        system.accountsDb.url,
        '-Atc',
        `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
      ])
        .toString()
        .trim();
      if (n === '1') return;
    }
    throw new Error('the late session never showed');
  });
  late?.kill('SIGKILL');
  expect(late).toBeDefined();
  expect(r.code).toBe(3);
  expect(r.err).toMatch(/refusing to rebuild accounts while the service is running: database session pid \d+/);
  expect(await count()).toBe(before);
  // Killing psql does not end its backend's pg_sleep: end the backend itself.
  await queryDatabase(
    system.accountsDb.url,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`,
  );
  await waitFor(
    'the late session to end',
    async () =>
      (await queryDatabase(system.accountsDb.url, `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`)).length === 0,
  );
});

it('--force rebuilds despite a session, and readers see the old rows or the new ones, never an empty table', async () => {
  await queryDatabase(system.accountsDb.url, 'DELETE FROM account WHERE account_id = ANY($1)', [accountIds.slice(0, 5)]);
  const [old, rebuilt] = [await count(), accountIds.length];
  // A reader session (a sign the guard would refuse on): --force goes ahead anyway.
  const reader = new Client({ connectionString: system.accountsDb.url });
  await reader.connect();
  const seen: number[] = [];
  let reading = true;
  const readLoop = (async () => {
    while (reading) seen.push(Number((await reader.query<{ n: string }>('SELECT count(*) AS n FROM account')).rows[0].n));
  })();
  await waitFor('the reader to be reading', async () => seen.length > 0);
  const r = await cli(['rebuild', 'accounts', '--force']);
  const atEnd = seen.length;
  await waitFor('a read after the swap', async () => seen.length > atEnd);
  reading = false;
  await readLoop;
  await reader.end();
  expect(r.code).toBe(0);
  expect(await count()).toBe(rebuilt);
  // Old, then new: one switch, never empty, never a half-filled table.
  const switchAt = seen.indexOf(rebuilt);
  expect(switchAt).toBeGreaterThan(0);
  expect(seen.slice(0, switchAt).every((n) => n === old)).toBe(true);
  expect(seen.slice(switchAt).every((n) => n === rebuilt)).toBe(true);
  process.stdout.write(`rebuild --force under a reader: ${seen.length} reads, ${switchAt} saw ${old} rows, ${seen.length - switchAt} saw ${rebuilt}\n`);
});
