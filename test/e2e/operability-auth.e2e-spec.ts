import { randomUUID } from 'node:crypto';
import { Database } from '@calm/pg';
import { waitFor } from '@calm/testing';
import { startAccountsService } from '../../apps/accounts/src';
import { startCustomersService } from '../../apps/customers/src';
import { TestSystem } from '../support/system';

/** API_TOKENS: bearer token on every endpoint but /health/* and /metrics, on both services. */
describe.each(['accounts', 'customers'] as const)('API_TOKENS on the %s service', (service) => {
  let system: TestSystem;
  let url: string;
  let close: () => Promise<void>;
  const tokens = ['first-token-0123', 'second-token-with-a-longer-value'];
  const id = randomUUID();
  // Every route of the service, with what it answers to an authorised caller (never 401).
  const routes: { method: string; path: string; body?: unknown; authorised: number }[] =
    service === 'accounts'
      ? [
          { method: 'GET', path: `/accounts/${id}`, authorised: 404 },
          { method: 'GET', path: `/accounts?customerId=${id}`, authorised: 200 },
          { method: 'POST', path: '/accounts', body: {}, authorised: 400 },
          { method: 'GET', path: '/docs-json', authorised: 200 },
          { method: 'GET', path: '/asyncapi.json', authorised: 200 },
        ]
      : [
          { method: 'GET', path: `/customers/${id}`, authorised: 404 },
          { method: 'POST', path: '/customers', body: {}, authorised: 400 },
          { method: 'GET', path: '/docs-json', authorised: 200 },
          { method: 'GET', path: '/asyncapi.json', authorised: 200 },
        ];

  beforeAll(async () => {
    system = await TestSystem.start(`ops_auth_${service}`);
    const config = { ...system.config(service), apiTokens: tokens };
    const svc = service === 'accounts' ? await startAccountsService(config, { consumer: { enabled: false } }) : await startCustomersService(config);
    await svc.app.get(Database).ready;
    url = svc.url;
    close = () => svc.app.close();
  });
  afterAll(async () => {
    await close?.();
    await system?.stop();
  });

  // Bodies are always read, so no keep-alive response is left open at the end.
  const call = async (route: { method: string; path: string; body?: unknown }, authorization?: string) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (route.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${route.path}`, { method: route.method, headers, body: route.body === undefined ? undefined : JSON.stringify(route.body) });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };

  it('answers 401 on every route without a token, with a wrong one, or with another scheme', async () => {
    for (const route of routes) {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer first-token-012', `Basic ${tokens[0]}`, tokens[0]]) {
        const res = await call(route, authorization);
        expect({ route: route.path, authorization, status: res.status }).toEqual({ route: route.path, authorization, status: 401 });
        expect(res.json().statusCode).toBe(401);
      }
    }
  });

  it('positive control: every configured token reaches every route (its own answer, not 401)', async () => {
    for (const route of routes) {
      for (const token of tokens) {
        const res = await call(route, `Bearer ${token}`);
        expect({ route: route.path, status: res.status }).toEqual({ route: route.path, status: route.authorised });
      }
    }
  });

  it('leaves /health/* and /metrics open', async () => {
    expect((await call({ method: 'GET', path: '/health/live' })).status).toBe(200);
    // Ready once its database and NATS answer: 200, reached without a token.
    await waitFor('readiness without a token', async () => (await call({ method: 'GET', path: '/health/ready' })).status === 200);
    const metrics = await call({ method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });
});
