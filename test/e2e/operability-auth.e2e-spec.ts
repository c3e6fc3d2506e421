import { Database } from '@calm/platform';
import { RunningService, startAccountsService } from '../../apps/accounts/src/accounts.app';
import { TestSystem } from '../support/system';

/** API_TOKENS: bearer token on every endpoint but /health/* and /metrics. */
describe('API_TOKENS', () => {
  let system: TestSystem;
  let svc: RunningService;
  const tokens = ['first-token-0123', 'second-token-with-a-longer-value'];

  beforeAll(async () => {
    system = await TestSystem.start('ops_auth');
    svc = await startAccountsService({ ...system.config('accounts'), apiTokens: tokens }, { consumer: { enabled: false } });
    await svc.app.get(Database).ready;
  });
  afterAll(async () => {
    await svc?.app.close();
    await system?.stop();
  });

  // Bodies are always read, so no keep-alive response is left open at the end.
  const get = async (path: string, authorization?: string) => {
    const res = await fetch(`${svc.url}${path}`, { headers: authorization ? { authorization } : {} });
    const text = await res.text();
    return { status: res.status, text: async () => text, json: async () => JSON.parse(text) };
  };
  const anAccount = '/accounts/8d3c1f2e-5b7a-4c1d-9e2f-0a1b2c3d4e5f';

  it('answers 401 without a token, with a wrong one, or with another scheme', async () => {
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer first-token-012', `Basic ${tokens[0]}`, tokens[0]]) {
      const res = await get(anAccount, authorization);
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect((await res.json()).statusCode).toBe(401);
    }
    const post = await fetch(`${svc.url}/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(401);
    await post.text();
    expect((await get('/docs-json')).status).toBe(401);
  });

  it('lets every configured token through', async () => {
    for (const token of tokens) expect((await get(anAccount, `Bearer ${token}`)).status).toBe(404);
    expect((await get('/docs-json', `Bearer ${tokens[1]}`)).status).toBe(200);
  });

  it('leaves /health/* and /metrics open', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect([200, 503]).toContain((await get('/health/ready')).status);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_request_duration_seconds');
  });
});
