import { randomUUID } from 'node:crypto';
import { consumers, customerCreated } from '@calm/contracts';
import { duplicatesAbsorbed, queryDatabase, waitFor, waitForAckFloor } from '@calm/testing';
import { replayCli } from '../../../test/support/replay-cli';
import { http, TestSystem } from '../../../test/support/system';
import { run } from './main';

jest.setTimeout(120_000);

let system: TestSystem;

/** Runs the CLI in-process against the test system; returns exit code and what it printed. */
const cli = (...argv: string[]) => replayCli(system, ...argv);

const rows = (db: 'accounts' | 'customers', sql: string, params: unknown[] = []) =>
  queryDatabase(db === 'accounts' ? system.accountsDb.url : system.customersDb.url, sql, params);
const snapshot = async () => ({
  account: await rows('accounts', 'SELECT * FROM account ORDER BY account_id'),
  known: await rows('accounts', 'SELECT * FROM known_customer ORDER BY customer_id'),
  customer: await rows('customers', 'SELECT * FROM customer ORDER BY customer_id'),
  outbox: await rows('accounts', 'SELECT event_id FROM outbox ORDER BY event_id'),
  // The swap drops and rebuilds indexes and keys: same names and definitions after.
  schema: await rows('accounts', `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('account', 'known_customer') ORDER BY indexname`),
  constraints: await rows(
    'accounts',
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid IN ('account'::regclass, 'known_customer'::regclass) ORDER BY conname`,
  ),
});

/**
 * A customer.created from another publisher, with its own event id: the contracts'
 * builder derives the id from the customer id alone, which would collide with the
 * customer service's own event (see the report).
 */
const publishThirdParty = (customerId: string, time: string) =>
  system.publishCustomerCreated(customerId, {
    event: { ...customerCreated({ customerId, name: 'CRM', email: 'crm@example.com' }, time, '/crm'), id: randomUUID() },
  });

const valid: string[] = [];
const pending: string[] = [];

beforeAll(async () => {
  system = await TestSystem.start('replay');
  const accounts = (await system.startAccounts()).url;
  const customers = (await system.startCustomers()).url;
  // Customers over REST; accounts before and after their customer; a customer.created
  // stored twice (the owner's event again, as outbox republish would put it back);
  // accounts that stay pending. Customer facts come from the owner only (the contract).
  for (let i = 0; i < 12; i++) {
    const customerId = randomUUID();
    const before = randomUUID();
    if (i % 3 !== 2) expect((await http(accounts, 'POST', '/accounts', { accountId: before, customerId })).status).toBe(201);
    if (i % 4 === 3) {
      if (i % 3 !== 2) pending.push(before);
      continue;
    }
    expect((await http(customers, 'POST', '/customers', { customerId, name: `C${i}`, email: `c${i}@example.com` })).status).toBe(201);
    if (i % 3 !== 2) valid.push(before);
    if (i % 2 === 0) {
      const after = randomUUID();
      await waitFor('customer known', async () => (await rows('accounts', 'SELECT 1 FROM known_customer WHERE customer_id = $1', [customerId])).length === 1);
      expect((await http(accounts, 'POST', '/accounts', { accountId: after, customerId, currency: 'USD' })).status).toBe(201);
      valid.push(after);
    }
    if (i % 5 === 0) {
      const subject = `customer.created.${customerId}`;
      await waitFor('the owner to publish', async () => (await system.streamMessages('CUSTOMERS', subject)).length === 1);
      const [owners] = await system.streamMessages('CUSTOMERS', subject);
      await system.js.publish(`customer.created.${customerId}`, JSON.stringify(owners.data));
    }
  }
  // Garbage on the stream: the service dead-letters it, replay counts it as undecodable.
  await system.js.publish(`customer.created.${randomUUID()}`, '{"not":"an event"}');
  await waitFor(
    'every account the history validates to be valid',
    async () => (await rows('accounts', `SELECT count(*)::int AS n FROM account WHERE status = 'valid'`))[0].n === valid.length,
  );
  await waitFor('the garbage to be dead-lettered', async () => (await rows('accounts', 'SELECT 1 FROM dead_letter')).length === 1);
});
afterAll(() => system?.stop());

describe('replay CLI against services driven over REST and JetStream', () => {
  it('verify: the live state equals the folded history, for both services', async () => {
    const accounts = await cli('verify', 'accounts');
    expect(accounts).toMatchObject({ code: 0 });
    expect(accounts.out).toContain('live state equals the folded history');
    expect(accounts.out).toMatch(/skipped 1 undecodable events/);
    expect(accounts.out).toMatch(/skipped: CUSTOMERS seq \d+ \(customer.created.[0-9a-f-]+\): not a CloudEvents 1.0 envelope/);
    expect(accounts.out).toMatch(/events\/s/);
    expect((await cli('verify', 'customers')).code).toBe(0);
  });

  it('verify --shuffle with several seeds folds to the same state and prints the seed', async () => {
    for (const seed of ['1', '7', '123456']) {
      const r = await cli('verify', 'accounts', '--shuffle', '--seed', seed);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`seed ${seed}`);
      expect((await cli('verify', 'customers', '--seed', seed)).code).toBe(0);
    }
    const unseeded = await cli('verify', 'accounts', '--shuffle', '--json');
    expect(JSON.parse(unseeded.out)).toMatchObject({ equal: true, seed: expect.any(Number) });
  });

  it('verify names a deleted row and a changed status, exit 1', async () => {
    const [gone, changed] = valid;
    await rows('accounts', 'DELETE FROM account WHERE account_id = $1', [gone]);
    await rows('accounts', `UPDATE account SET status = 'pending', validated_at = NULL WHERE account_id = $1`, [changed]);
    const r = await cli('verify', 'accounts');
    expect(r.code).toBe(1);
    expect(r.out).toContain(`account ${gone}: missing from the live table`);
    expect(r.out).toContain(`account ${changed}: status live=pending expected=valid`);
    expect(r.out).toMatch(new RegExp(`account ${changed}: validated_at live=null expected=\\d{4}-`));
    const json = JSON.parse((await cli('verify', 'accounts', '--json')).out);
    expect(json).toMatchObject({ equal: false, differingRows: 2 });
  });

  it('rebuild refuses while the account service is running, and changes nothing', async () => {
    const before = await snapshot();
    const r = await cli('rebuild', 'accounts');
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/refusing to rebuild accounts while the service is running: database session pid \d+/);
    expect(await snapshot()).toEqual(before);
  });

  it('rebuild (services stopped) restores the state the services built; verify then exits 0', async () => {
    for (const svc of [...system.accounts, ...system.customers]) await svc.app.close();
    system.accounts.length = 0;
    system.customers.length = 0;
    const damaged = await snapshot();
    const r = await cli('rebuild', 'accounts', '--allow-skipped');
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/rebuilt accounts: \d+ account rows/);
    expect((await cli('rebuild', 'customers', '--allow-skipped')).code).toBe(0);
    const rebuilt = await snapshot();
    expect(rebuilt.account).toHaveLength(damaged.account.length + 1);
    expect(
      rebuilt.account
        .filter((a) => a.status === 'valid')
        .map((a) => a.account_id)
        .sort(),
    ).toEqual([...valid].sort());
    expect(rebuilt.account.filter((a) => a.status === 'pending').map((a) => a.account_id)).toEqual(expect.arrayContaining(pending));
    expect(rebuilt.customer).toEqual(damaged.customer);
    expect(rebuilt.known).toEqual(damaged.known);
    // Nothing derived is emitted again: the outbox keeps one row per event id.
    expect(rebuilt.outbox).toEqual(damaged.outbox);
    expect(rebuilt.schema).toEqual(damaged.schema);
    expect(rebuilt.constraints).toEqual(damaged.constraints);
    expect(rebuilt.constraints.map((c) => c.conname)).toEqual(expect.arrayContaining(['account_pkey', 'known_customer_pkey', 'account_outcome_time_check']));
    expect((await cli('verify', 'accounts')).code).toBe(0);
    expect((await cli('verify', 'accounts', '--shuffle', '--seed', '99')).code).toBe(0);
    // A second rebuild is a no-op on the rows.
    expect((await cli('rebuild', 'accounts', '--quiet', '--allow-skipped')).code).toBe(0);
    expect(await snapshot()).toEqual(rebuilt);
  });

  it('dlq retry applies a dead-lettered event once its cause is fixed, and marks it retried', async () => {
    const { url } = await system.startAccounts();
    // A valid customer.created that failed on every delivery (say, a bug since fixed).
    const customerId = randomUUID();
    const accountId = randomUUID();
    expect((await http(url, 'POST', '/accounts', { accountId, customerId })).body.status).toBe('pending');
    const event = customerCreated({ customerId, name: 'Late', email: 'late@example.com' }, '2026-01-01T00:00:00.000Z', '/crm');
    const [{ id }] = await rows(
      'accounts',
      `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, headers, reason, deliveries, event_id, event_type)
       VALUES ($5, $6, $1, 999, $2, $3, 'failed on all 10 deliveries; last error: boom', 10, $4, 'customer.created')
       RETURNING id::int`,
      [
        `customer.created.${customerId}`,
        Buffer.from(JSON.stringify(event)),
        JSON.stringify({ 'Nats-Msg-Id': [event.id], 'X-Trace': ['t1'] }),
        event.id,
        consumers.validateAccountsWhenCustomerCreated.stream,
        consumers.validateAccountsWhenCustomerCreated.durable,
      ],
    );
    const list = await cli('dlq', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`#${id} \\S+ customer.created.${customerId} CUSTOMERS seq 999 deliveries=10`));
    expect(list.out).toContain('reason: failed on all 10 deliveries; last error: boom');
    expect(list.out).toMatch(/payload is not UTF-8 JSON|not a CloudEvents/);

    const retry = await cli('dlq', 'retry', String(id));
    expect(retry.code).toBe(0);
    await waitFor('the retried event to validate the account', async () => {
      const [a] = await rows('accounts', 'SELECT status FROM account WHERE account_id = $1', [accountId]);
      return a.status === 'valid';
    });
    const [letter] = await rows('accounts', 'SELECT retried_at FROM dead_letter WHERE id = $1', [id]);
    expect(letter.retried_at).not.toBeNull();
    const [copy] = await system.streamMessages('CUSTOMERS', `customer.created.${customerId}`);
    expect(copy.data.id).toBe(event.id);
    expect((await cli('dlq', 'list')).out).not.toContain(`#${id} `);
    expect((await cli('dlq', 'list', '--all')).out).toContain(`#${id} `);
    // Retrying again puts a second copy on the stream; the inbox absorbs it: once the
    // consumer has acknowledged it, it is counted a duplicate and still one validation event.
    // Two account instances share the durable consumer here: either may take the copy.
    const absorbed = async () => (await Promise.all(system.accounts.map((a) => duplicatesAbsorbed(a.url)))).reduce((x, y) => x + y, 0);
    const absorbedBefore = await absorbed();
    expect((await cli('dlq', 'retry', String(id))).code).toBe(0);
    const copies = await system.streamMessages('CUSTOMERS', `customer.created.${customerId}`);
    expect(copies).toHaveLength(2);
    await waitForAckFloor(system.jsm, copies[1].seq);
    expect((await absorbed()) - absorbedBefore).toBe(1);
    await waitFor('the outbox to publish', async () => (await rows('accounts', 'SELECT 1 FROM outbox WHERE published_at IS NULL')).length === 0);
    expect(await system.streamMessages('ACCOUNTS', `account.validated.${accountId}`)).toHaveLength(1);
    expect((await cli('dlq', 'retry', '424242')).code).toBe(1);
  });

  it('inspect account shows its events, the fold and the live row', async () => {
    const accountId = valid[1];
    const r = await cli('inspect', 'account', accountId);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ACCOUNTS seq \d+ stored \S+ account.opened/);
    expect(r.out).toMatch(/CUSTOMERS seq \d+ stored \S+ customer.created/);
    expect(r.out).toContain('live row equals the fold');
    expect((await cli('inspect', 'account', 'nope')).code).toBe(2);
  });

  it('tail prints new events, one line each, and stops after --count', async () => {
    let done = false;
    const tailing = cli('tail', '--type', 'customer.created', '--count', '2', '--json').finally(() => (done = true));
    // tail follows NEW events only, from whenever its consumer exists: keep publishing until it has seen two.
    const published: string[] = [];
    while (!done) {
      published.push(randomUUID());
      await publishThirdParty(published[published.length - 1], new Date().toISOString());
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await tailing;
    expect(r.code).toBe(0);
    const seen = r.out.split('\n').map((l) => JSON.parse(l));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ stream: 'CUSTOMERS', type: 'customer.created', source: '/crm' });
    const first = published.indexOf(seen[0].data.customerId);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(seen[1].data.customerId).toBe(published[first + 1]);
  });

  it('outbox republish puts a time range of published rows back on the stream, Nats-Msg-Id or not', async () => {
    const before = (await system.jsm.streams.info('ACCOUNTS')).state.messages;
    const [{ n }] = await queryDatabase<{ n: number }>(system.accountsDb.url, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NOT NULL');
    // A row written inside a traced request keeps its context: the copy carries it as the first publish did.
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const [traced] = await queryDatabase<{ subject: string }>(
      system.accountsDb.url,
      `UPDATE outbox SET traceparent = $1, tracestate = 'calm=1' WHERE id = (SELECT min(id) FROM outbox WHERE published_at IS NOT NULL) RETURNING subject`,
      [traceparent],
    );
    const r = await cli('outbox', 'republish', 'accounts', '--from', '2000-01-01T00:00:00Z', '--quiet');
    expect(r).toMatchObject({ code: 0, out: String(n) });
    expect((await system.jsm.streams.info('ACCOUNTS')).state.messages).toBe(before + n);
    const copy = await system.jsm.streams.getMessage('ACCOUNTS', { last_by_subj: traced.subject });
    expect([copy?.header?.get('traceparent'), copy?.header?.get('tracestate')]).toEqual([traceparent, 'calm=1']);
    expect(copy?.json()).toMatchObject({ traceparent, tracestate: 'calm=1' });
    expect((await cli('verify', 'accounts')).code).toBe(0);
  });

  it('usage and connection errors exit 2; every command has --help', async () => {
    expect((await cli('verify', 'nonsense')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    for (const c of [['verify'], ['rebuild'], ['inspect', 'account'], ['dlq', 'list'], ['dlq', 'retry'], ['tail'], ['outbox', 'republish']]) {
      const help = await cli(...c, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toContain('Usage: replay');
    }
    const r = await run(['verify', 'accounts'], {
      out: () => undefined,
      err: () => undefined,
      isTTY: false,
      env: { NATS_URL: 'nats://127.0.0.1:1', ACCOUNTS_DATABASE_URL: system.accountsDb.url, CUSTOMERS_DATABASE_URL: system.customersDb.url },
    });
    expect(r).toBe(2);
    const errors: string[] = [];
    expect(
      await run(['verify', 'accounts'], { out: () => undefined, err: (t) => errors.push(t), isTTY: false, env: { ACCOUNTS_DATABASE_URL: 'mysql://x' } }),
    ).toBe(2);
    expect(errors.join('')).toContain('ACCOUNTS_DATABASE_URL');
  });
});
