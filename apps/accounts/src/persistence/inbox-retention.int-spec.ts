import { randomUUID } from 'node:crypto';
import { customerCreated } from '@calm/contracts';
import { RetentionSweeper } from '@calm/outbox';
import { queryDatabase } from '@calm/testing';
import { accountStoreDatabase } from '../../../../test/support/account-store-database';

/**
 * The inbox is pruned after INBOX_RETENTION_DAYS. A duplicate that arrives after its
 * inbox row (and even its outbox rows) are gone applies again, and changes nothing: the
 * replica keeps the earliest time, the join leaves a valid account as it is, and no second
 * account.validated is written.
 */
const fx = accountStoreDatabase('inbox_retention');

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryDatabase<T>(fx.url, text, params);
const state = async () => ({
  accounts: await sql('SELECT * FROM account ORDER BY account_id'),
  known: await sql('SELECT * FROM known_customer ORDER BY customer_id'),
  outbox: await sql(`SELECT event_id FROM outbox WHERE subject LIKE 'account.validated.%' ORDER BY event_id`),
});

it('a very old duplicate customer.created, after its inbox and outbox rows were pruned, changes nothing', async () => {
  const customerId = randomUUID();
  const accountId = randomUUID();
  await fx.store.open({ accountId, customerId, currency: 'EUR' }, new Date('2025-01-01T00:00:00Z'));
  const early = customerCreated({ customerId, name: 'A', email: 'a@example.com' }, '2025-01-02T00:00:00Z', '/customers');
  const later = customerCreated({ customerId, name: 'A', email: 'a@example.com' }, '2025-01-03T00:00:00Z', '/crm');
  expect((await fx.store.applyCustomersCreated([early, later], new Date('2025-01-03T00:00:00Z'))).fresh).toBe(2);
  const applied = await state();
  expect(applied.accounts[0]).toMatchObject({ status: 'valid' });
  expect(applied.outbox).toHaveLength(1);

  // A year later: every row of these events is past its horizon and swept.
  await sql(`UPDATE inbox SET received_at = now() - interval '400 days'`);
  await sql(`UPDATE outbox SET published_at = now() - interval '400 days', created_at = now() - interval '400 days'`);
  const swept = await new RetentionSweeper(fx.db, { inboxMs: 30 * 86_400_000, outboxMs: 7 * 86_400_000 }).sweep();
  expect(swept).toMatchObject({ inbox: 2, outbox: 2 });

  // Both duplicates come back, in either order: applied again (the inbox no longer knows them) ...
  expect((await fx.store.applyCustomersCreated([later], new Date())).fresh).toBe(1);
  expect((await fx.store.applyCustomersCreated([early], new Date())).fresh).toBe(1);
  // ... and the state is what it was, with no new account.validated.
  const after = await state();
  expect(after.accounts).toEqual(applied.accounts);
  expect(after.known).toEqual(applied.known);
  expect(after.outbox).toEqual([]);
});
