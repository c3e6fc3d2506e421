import { randomUUID } from 'node:crypto';
import { customerCreated, customerSealed } from '@calm/contracts';
import { NatsClient } from '@calm/jetstream';
import { Database } from '@calm/pg';
import { defaultLimits } from '@calm/config';
import { metricValue, queryDatabase } from '@calm/testing';
import { TestSystem } from '../../../../test/support/system';
import { RunningService, startAccountsService } from '../accounts.app';
import { OpenAccountHandler } from '../open-account/open-account.handler';
import { AccountStore } from '../persistence/account.store';
import { RejectShellsWhenCustomerSealedConsumer } from '../reject-shells-when-customer-sealed/reject-shells-when-customer-sealed.consumer';
import { ValidateAccountsWhenCustomerCreatedConsumer } from '../validate-accounts-when-customer-created/validate-accounts-when-customer-created.consumer';

/**
 * /metrics needs no token, so it must not be a lever on the database: however often it
 * is scraped, each stored-state gauge costs one query per METRICS_REFRESH_SECONDS.
 */
let system: TestSystem;
let svc: RunningService;

beforeAll(async () => {
  system = await TestSystem.start('metrics');
  svc = await startAccountsService(
    { ...system.config('accounts'), limits: { ...defaultLimits(), metricsRefreshMs: 3_600_000 } },
    { consumer: { enabled: false } },
  );
  await Promise.all([svc.app.get(Database).ready, svc.app.get(NatsClient).ready]);
});
afterAll(async () => {
  await svc.app.close();
  await system.stop();
});

const value = (text: string, name: string) => Number(new RegExp(`^${name}\\{service="accounts"\\} (\\S+)$`, 'm').exec(text)?.[1]);
const scrape = () => fetch(`${svc.url}/metrics`).then((r) => r.text());
/** The in-process series the consumer paths move: duplicates per event type, accounts that converged. */
const recorded = async (type: string) => ({
  duplicates: await metricValue(svc.url, 'calm_events_duplicate_total', { type }),
  converged: await metricValue(svc.url, 'calm_account_convergence_seconds_count'),
});

it("answers any number of scrapes with one database read per gauge query, and shows the oldest shell's age", async () => {
  await queryDatabase(
    system.accountsDb.url,
    `INSERT INTO account (account_id, customer_id, currency, status, opened_at) VALUES ($1, $2, 'EUR', 'pending', now() - interval '2 hours')`,
    [randomUUID(), randomUUID()],
  );
  const query = jest.spyOn(svc.app.get(Database).manager(), 'query');
  const info = jest.spyOn(svc.app.get(NatsClient).jsm.consumers, 'info').mockResolvedValue({ num_pending: 7 } as never);
  const texts = await Promise.all(Array.from({ length: 20 }, scrape));
  for (let i = 0; i < 30; i++) texts.push(await scrape());

  const statements = query.mock.calls.map(([sql]) => String(sql));
  expect(statements.length).toBeGreaterThan(0);
  // Each distinct statement ran once: 50 scrapes, no more reads than one would cost.
  expect(statements.length).toBe(new Set(statements).size);
  expect(statements.length).toBeLessThanOrEqual(4);
  expect(info).toHaveBeenCalledTimes(1);
  for (const t of texts) {
    expect(value(t, 'calm_pending_account_oldest_age_seconds')).toBeGreaterThanOrEqual(7200);
    expect(value(t, 'calm_consumer_pending_messages')).toBe(7);
  }
  expect(texts[49]).toMatch(/^calm_accounts\{status="pending",service="accounts"\} 1$/m);
});

it('records what the consumer path reports: copies the inbox refused, and accounts that converged', async () => {
  const before = await recorded('customer.created');

  const customerId = randomUUID();
  await svc.app.get(OpenAccountHandler).execute({ customerId, currency: 'EUR' });
  const event = customerCreated({ customerId, name: 'Ada', email: 'ada@example.com' }, new Date().toISOString());
  const consumer = svc.app.get(ValidateAccountsWhenCustomerCreatedConsumer);
  await consumer.onCustomersCreated([event, event]);
  await consumer.onCustomersCreated([event]);

  expect(await recorded('customer.created')).toEqual({ duplicates: before.duplicates + 2, converged: before.converged + 1 });
});

it('records the copies of customer.sealed the inbox refused; a rejected shell is no convergence', async () => {
  const before = await recorded('customer.sealed');

  const customerId = randomUUID();
  const { account } = await svc.app.get(OpenAccountHandler).execute({ customerId, currency: 'EUR' });
  const event = customerSealed({ customerId, sealedAt: new Date().toISOString() });
  const consumer = svc.app.get(RejectShellsWhenCustomerSealedConsumer);
  await consumer.onCustomersSealed([event, event]);
  await consumer.onCustomersSealed([event]);

  expect((await svc.app.get(AccountStore).get(account.accountId))?.status).toBe('rejected');
  expect(await recorded('customer.sealed')).toEqual({ duplicates: before.duplicates + 2, converged: before.converged });
});
