import { bearerTokenChecker, isAuthExempt } from './api-token.auth';

describe('bearerTokenChecker', () => {
  const check = bearerTokenChecker(['alpha-token', 'b']);

  it('accepts each configured token as a Bearer credential', () => {
    expect(check('Bearer alpha-token')).toBe(true);
    expect(check('bearer b')).toBe(true);
  });

  it('refuses missing, wrong, prefixed, suffixed and other-scheme credentials', () => {
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Bearer alpha',
      'Bearer alpha-token-x',
      'Bearer balpha-token',
      'Basic alpha-token',
      'alpha-token',
      'Bearer alpha-token extra',
    ]) {
      expect({ h, ok: check(h) }).toEqual({ h, ok: false });
    }
  });

  it('does not accept the empty token even if configured by mistake', () => {
    expect(bearerTokenChecker([''])('Bearer ')).toBe(false);
  });
});

describe('isAuthExempt', () => {
  it('exempts health and metrics only', () => {
    expect(['/health/live', '/health/ready', '/metrics'].every(isAuthExempt)).toBe(true);
    expect(['/accounts', '/docs', '/docs-json', '/metricsx', '/healthz', '/'].some(isAuthExempt)).toBe(false);
  });
});
