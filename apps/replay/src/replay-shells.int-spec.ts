import { randomUUID } from 'node:crypto';
import { consumers, eventIds } from '@calm/contracts';
import { queryDatabase, waitFor } from '@calm/testing';
import { http, TestSystem } from '../../../test/support/system';
import { replayCli } from '../../../test/support/replay-cli';

jest.setTimeout(120_000);

let system: TestSystem;
let accountsUrl: string;

const cli = (...argv: string[]) => replayCli(system, ...argv);

const account = async (id: string) => (await http(accountsUrl, 'GET', `/accounts/${id}`)).body;
const published = (db: string, eventId: string) =>
  waitFor(
    `outbox row ${eventId} published`,
    async () => (await queryDatabase(db, 'SELECT 1 FROM outbox WHERE event_id = $1 AND published_at IS NOT NULL', [eventId])).length === 1,
  );

beforeAll(async () => {
  system = await TestSystem.start('replay_shells');
  // The service's own sweep is off: the CLI is the only one to ask the owner here.
  accountsUrl = (await system.startAccounts({ shells: { graceSeconds: 3600, sweepSeconds: 0 } })).url;
  await system.startCustomers();
});
afterAll(() => system?.stop());

describe('replay shells', () => {
  const lost = randomUUID();
  const never = randomUUID();
  const shells: Record<string, string> = {};

  it('lists the shells pending longer than --older-than, oldest first, and none with the default grace', async () => {
    for (const c of [lost, never]) shells[c] = (await http(accountsUrl, 'POST', '/accounts', { customerId: c })).body.accountId;
    const listed = await cli('shells', '--older-than', '0', '--json');
    expect(listed.code).toBe(0);
    const doc = JSON.parse(listed.out);
    expect(doc.shells.map((s: { accountId: string }) => s.accountId)).toEqual([shells[lost], shells[never]]);
    expect(doc.shells[0]).toMatchObject({ customerId: lost, ageSeconds: expect.any(Number) });
    expect(JSON.parse((await cli('shells', '--json')).out).shells).toEqual([]);
  });

  it('--resolve asks the owner once per customer: a known customer validates, an unknown one is sealed and rejects', async () => {
    // The owner has `lost` (its event never reached the stream); `never` it has not heard of.
    await queryDatabase(
      system.customersDb.url,
      `INSERT INTO customer (customer_id, name, email, created_at) VALUES ($1, 'Lost', 'lost@example.com', '2026-01-01T00:00:00Z')`,
      [lost],
    );
    const r = await cli('shells', '--older-than', '0', '--resolve');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`created ${lost}`);
    expect(r.out).toContain(`sealed  ${never}`);
    expect(await account(shells[lost])).toMatchObject({ status: 'valid' });
    expect(await account(shells[never])).toMatchObject({ status: 'rejected' });
    expect(JSON.parse((await cli('shells', '--older-than', '0', '--json')).out).shells).toEqual([]);
  });

  it('verify folds the seal and the re-published creation: both services equal their history', async () => {
    await published(system.customersDb.url, eventIds.customerCreated(lost));
    await published(system.customersDb.url, eventIds.customerSealed(never));
    await published(system.accountsDb.url, eventIds.accountRejected(shells[never]));
    // verify reads the outcome events from the stream: the --resolve's account.validated must be there too.
    await published(system.accountsDb.url, eventIds.accountValidated(shells[lost]));
    await waitFor('the consumers to catch up', async () => {
      const infos = await Promise.all(
        [consumers.validateAccountsWhenCustomerCreated, consumers.rejectShellsWhenCustomerSealed].map((c) => system.jsm.consumers.info(c.stream, c.durable)),
      );
      return infos.every((i) => i.num_pending === 0 && i.num_ack_pending === 0);
    });
    expect(await system.streamMessages('CUSTOMERS', `customer.sealed.${never}`)).toHaveLength(1);
    for (const service of ['accounts', 'customers']) {
      const v = await cli('verify', service);
      expect({ service, code: v.code, out: v.out }).toEqual({ service, code: 0, out: expect.any(String) });
    }
    const differs = await cli('verify', 'customers', '--shuffle', '--seed', '7');
    expect(differs.code).toBe(0);
  });

  it('verify notices a seal missing from the live state, and rebuild (services stopped) restores rejected accounts and seals', async () => {
    await queryDatabase(system.accountsDb.url, `UPDATE account SET status = 'pending', rejected_at = NULL WHERE account_id = $1`, [shells[never]]);
    await queryDatabase(system.accountsDb.url, `DELETE FROM sealed_customer WHERE customer_id = $1`, [never]);
    const v = await cli('verify', 'accounts');
    expect(v.code).toBe(1);
    expect(v.out).toContain(`account ${shells[never]}: status live=pending expected=rejected`);
    expect(v.out).toContain(`sealed_customer ${never}: missing from the live table`);
    for (const svc of [...system.accounts, ...system.customers]) await svc.app.close();
    system.accounts.length = 0;
    system.customers.length = 0;
    expect((await cli('rebuild', 'accounts', '--quiet')).code).toBe(0);
    expect((await cli('verify', 'accounts')).code).toBe(0);
    const [row] = await queryDatabase<{ status: string; rejected_at: Date | null }>(
      system.accountsDb.url,
      'SELECT status, rejected_at FROM account WHERE account_id = $1',
      [shells[never]],
    );
    expect(row.status).toBe('rejected');
    expect(row.rejected_at).not.toBeNull();
    expect((await cli('rebuild', 'customers', '--quiet')).code).toBe(0);
    expect((await cli('verify', 'customers')).code).toBe(0);
  });
});
