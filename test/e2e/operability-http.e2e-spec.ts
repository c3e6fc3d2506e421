import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@calm/testing';
import { TestSystem, http } from '../support/system';

/** Health, metrics and the OpenAPI document on a running system (no API_TOKENS). */
describe('operability endpoints', () => {
  let system: TestSystem;
  let accounts: string;
  let customers: string;

  beforeAll(async () => {
    system = await TestSystem.start('ops_http');
    accounts = (await system.startAccounts()).url;
    customers = (await system.startCustomers()).url;
  });
  afterAll(() => system?.stop());

  const metricValue = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(series + ' ') || (l.startsWith(series.replace(/}$/, ',')) && !series.endsWith('}')));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const scrape = async (base: string): Promise<string> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  it('answers /health/live and, once the consumer is attached, /health/ready with every part up', async () => {
    expect((await http(accounts, 'GET', '/health/live')).status).toBe(200);
    const ready = await waitFor('accounts ready', async () => {
      const res = await http(accounts, 'GET', '/health/ready');
      return res.status === 200 ? res : undefined;
    });
    expect(Object.keys(ready.body.info).sort()).toEqual(['consumer', 'database', 'nats', 'sealed-consumer']);
    const customersReady = await http(customers, 'GET', '/health/ready');
    expect(customersReady.status).toBe(200);
    expect(Object.keys(customersReady.body.info).sort()).toEqual(['database', 'nats', 'partner-consumer']);
  });

  it('exposes the named series after traffic, each app in its own registry', async () => {
    const late = { customerId: randomUUID(), accountId: randomUUID() };
    expect((await http(accounts, 'POST', '/accounts', { accountId: late.accountId, customerId: late.customerId })).body.status).toBe('pending');
    expect((await http(customers, 'POST', '/customers', { customerId: late.customerId, name: 'Ada', email: 'ada@example.com' })).status).toBe(201);
    await waitFor('account valid', async () => (await http(accounts, 'GET', `/accounts/${late.accountId}`)).body.status === 'valid');
    const early = await http(accounts, 'POST', '/accounts', { customerId: late.customerId });
    expect(early.body.status).toBe('valid');
    expect((await http(accounts, 'GET', `/accounts/${randomUUID()}`)).status).toBe(404);
    await system.js.publish(`customer.created.${randomUUID()}`, 'not json at all');

    const text = await waitFor('dead letter counted', async () => {
      const t = await scrape(accounts);
      const counted = (metricValue(t, 'calm_events_consumed_total{type="unknown",outcome="dead_lettered",service="accounts"}') ?? 0) >= 1;
      return counted && (metricValue(t, 'calm_dead_letter_open_rows{service="accounts"}') ?? 0) >= 1 ? t : undefined;
    });
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/accounts\/:accountId"[^}]*method="GET"[^}]*status_code="404"/);
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/accounts"[^}]*method="POST"[^}]*status_code="201"[^}]*\} 2/);
    expect(metricValue(text, 'calm_events_consumed_total{type="customer.created",outcome="applied",service="accounts"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'calm_events_consumed_total{type="unknown",outcome="dead_lettered",service="accounts"}')).toBe(1);
    expect(metricValue(text, 'calm_accounts{status="pending",service="accounts"}')).toBe(0);
    expect(metricValue(text, 'calm_accounts{status="valid",service="accounts"}')).toBe(2);
    // One account converged through the consumer path, one at once (0 s).
    expect(metricValue(text, 'calm_account_convergence_seconds_count{service="accounts"}')).toBe(2);
    expect(metricValue(text, 'calm_account_convergence_seconds_bucket{le="0.001",service="accounts"}')).toBe(1);
    expect(metricValue(text, 'calm_consumer_pending_messages{service="accounts"}')).toBe(0);
    expect(text).toMatch(/^calm_outbox_unpublished_rows\{service="accounts"\} \d+$/m);
    expect(text).toMatch(/^calm_outbox_oldest_unpublished_age_seconds\{service="accounts"\} [\d.e-]+$/m);

    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(text.split('\n')).toContain(`calm_build_info{version="${version}",commit="unknown",node="${process.versions.node}",service="accounts"} 1`);
    expect(text).not.toContain('calm_dead_letters_total');

    const customersText = await scrape(customers);
    expect(customersText).toMatch(/^calm_build_info\{[^}]*service="customers"\} 1$/m);
    expect(customersText).toMatch(/^calm_outbox_unpublished_rows\{service="customers"\} \d+$/m);
    expect(customersText).not.toContain('calm_accounts');
    expect(customersText).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/customers"[^}]*status_code="201"[^}]*\} 1/);
  });

  it('serves Swagger UI and an OpenAPI document with the contract status codes', async () => {
    const ui = await fetch(`${accounts}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
    const doc = (await http(accounts, 'GET', '/docs-json')).body;
    const codes = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(codes('/accounts', 'post')).toEqual(['200', '201', '400', '409', '413']);
    expect(codes('/accounts/{accountId}', 'get')).toEqual(['200', '400', '404']);
    expect(codes('/accounts', 'get')).toEqual(['200', '400']);
    expect(doc.paths['/health/ready']).toBeDefined();
    const account = doc.components.schemas.AccountResponse;
    expect(account.properties.status.enum).toEqual(['pending', 'valid', 'rejected']);
    expect(account.properties.rejectedAt).toMatchObject({ format: 'date-time', nullable: true });
    const body = doc.components.schemas.OpenAccountRequest;
    expect(body.properties.customerId.example).toMatch(/^[0-9a-f-]{36}$/);
    const customersDoc = (await http(customers, 'GET', '/docs-json')).body;
    expect(Object.keys(customersDoc.paths['/customers'].post.responses).sort()).toEqual(['200', '201', '400', '409', '413']);
    expect(Object.keys(customersDoc.paths['/customers/{customerId}'].get.responses).sort()).toEqual(['200', '400', '404', '410']);
    expect(Object.keys(customersDoc.paths['/customers/{customerId}/seal'].post.responses).sort()).toEqual(['200', '201', '400', '409']);
  });

  it('serves the AsyncAPI document on both services, with every event channel, outside the OpenAPI document', async () => {
    for (const base of [accounts, customers]) {
      const res = await http(base, 'GET', '/asyncapi.json');
      expect(res.status).toBe(200);
      expect(res.body.asyncapi).toBe('3.0.0');
      const addresses = Object.values(res.body.channels as Record<string, { address: string | null }>).map((c) => c.address);
      expect(addresses).toEqual(
        expect.arrayContaining([
          'customer.created.{customerId}',
          'customer.sealed.{customerId}',
          'account.opened.{accountId}',
          'account.validated.{accountId}',
          'account.rejected.{accountId}',
          'customers.resolve',
        ]),
      );
      expect((await http(base, 'GET', '/docs-json')).body.paths['/asyncapi.json']).toBeUndefined();
    }
  });

  it('answers /health/ready 503 naming NATS while the broker is down, and 200 again after', async () => {
    await system.nats.kill();
    const down = await waitFor('ready 503', async () => {
      const res = await http(accounts, 'GET', '/health/ready');
      return res.status === 503 ? res : undefined;
    });
    expect(down.body.message).toMatch(/nats/);
    expect(down.body.error.nats.status).toBe('down');
    expect(down.body.info.database.status).toBe('up');
    expect((await http(accounts, 'GET', '/health/live')).status).toBe(200);
    await system.nats.restart();
    await waitFor('ready again', async () => (await http(accounts, 'GET', '/health/ready')).status === 200, 30_000);
  });
});
