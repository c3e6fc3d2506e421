import { randomUUID } from 'node:crypto';
import { customerCreated } from '@calm/contracts';
import { queryDatabase, waitFor } from '@calm/testing';
import { replayCli } from '../../../test/support/replay-cli';
import { http, TestSystem } from '../../../test/support/system';

/**
 * Replay never loses accepted state: every event the fold skips is named with its stream,
 * sequence and reason, and rebuild will not replace live state past one unless told to.
 */
jest.setTimeout(120_000);

let system: TestSystem;

const cli = (...argv: string[]) => replayCli(system, ...argv);
const accountRows = () => queryDatabase(system.accountsDb.url, 'SELECT * FROM account ORDER BY account_id');

const [known, yearZero, garbage] = [randomUUID(), randomUUID(), randomUUID()];
let seqs: { yearZero: number; garbage: number };

beforeAll(async () => {
  system = await TestSystem.start('replay_skip');
  const accounts = (await system.startAccounts()).url;
  for (const customerId of [known, yearZero]) expect((await http(accounts, 'POST', '/accounts', { customerId })).status).toBe(201);
  await system.publishCustomerCreated(known);
  // PostgreSQL has no year 0: before issue 10 this decoded, burned its deliveries in the
  // consumer and made verify and rebuild exit 2 for as long as it stayed in the stream.
  await system.publishCustomerCreated(yearZero, {
    event: {
      ...customerCreated({ customerId: yearZero, name: 'Z', email: 'z@example.com' }, '2026-01-01T00:00:00.000Z', '/crm'),
      time: '0000-01-01T00:00:00Z',
    },
  });
  await system.js.publish(`customer.created.${garbage}`, '{"not":"an event"}');
  const onStream = await system.streamMessages('CUSTOMERS');
  seqs = {
    yearZero: onStream.find((m) => m.subject.endsWith(yearZero))!.seq,
    garbage: onStream.find((m) => m.subject.endsWith(garbage))!.seq,
  };
  await waitFor(
    'the known customer to validate its account',
    async () => (await queryDatabase(system.accountsDb.url, `SELECT 1 FROM account WHERE status = 'valid'`)).length === 1,
  );
  await waitFor('both to be dead-lettered', async () => (await queryDatabase(system.accountsDb.url, 'SELECT 1 FROM dead_letter')).length === 2);
});
afterAll(() => system?.stop());

it('verify lists every skipped event with its stream sequence and reason (no exit 2)', async () => {
  const r = await cli('verify', 'accounts');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`CUSTOMERS seq ${seqs.yearZero} \\(customer.created.${yearZero}\\): .*time`));
  expect(r.out).toMatch(new RegExp(`CUSTOMERS seq ${seqs.garbage} \\(customer.created.${garbage}\\): .*specversion`));
  const json = JSON.parse((await cli('verify', 'accounts', '--json')).out);
  expect(json.history.skipped).toEqual([
    expect.objectContaining({ stream: 'CUSTOMERS', seq: seqs.yearZero, subject: `customer.created.${yearZero}`, reason: expect.stringContaining('time') }),
    expect.objectContaining({ stream: 'CUSTOMERS', seq: seqs.garbage, subject: `customer.created.${garbage}` }),
  ]);
});

it('rebuild refuses (exit 1) to replace live state when events were skipped, and changes nothing', async () => {
  for (const svc of system.accounts) await svc.app.close();
  system.accounts.length = 0;
  const before = await accountRows();
  const r = await cli('rebuild', 'accounts');
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/2 events of the history were skipped.*--allow-skipped/);
  expect(r.out).toContain(`CUSTOMERS seq ${seqs.yearZero}`);
  expect(await accountRows()).toEqual(before);
});

it('rebuild --allow-skipped replaces it; verify then exits 0', async () => {
  const before = await accountRows();
  const r = await cli('rebuild', 'accounts', '--allow-skipped');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`CUSTOMERS seq ${seqs.garbage}`);
  expect(await accountRows()).toEqual(before);
  expect((await cli('verify', 'accounts')).code).toBe(0);
});
