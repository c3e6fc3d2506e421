import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, splitNatsCredentials } from './config';
import { natsConnectOptions } from './nats-connect-options';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig('accounts', env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).lines;
  }
  throw new Error('expected a configuration error');
};

describe('loadConfig', () => {
  it('uses the contract defaults', () => {
    const c = loadConfig('accounts', {});
    expect(c).toMatchObject({
      natsServers: ['nats://127.0.0.1:4222'],
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/accounts',
      httpPort: 3001,
      apiTokens: null,
      logLevel: 'info',
    });
    expect(loadConfig('customers', {}).httpPort).toBe(3002);
  });

  it('names the variable of each problem, one line each, all at once', () => {
    const lines = problemsOf({ NATS_URL: 'http://x', ACCOUNTS_DATABASE_URL: 'mysql://db', ACCOUNTS_HTTP_PORT: '70000', LOG_LEVEL: 'loud' });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^NATS_URL: /);
    expect(lines[1]).toMatch(/^ACCOUNTS_DATABASE_URL: /);
    expect(lines[2]).toMatch(/^ACCOUNTS_HTTP_PORT: "70000"/);
    expect(lines[3]).toMatch(/^LOG_LEVEL: /);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });

  it('reads the variables of the service it loads', () => {
    expect(problemsOf({ CUSTOMERS_HTTP_PORT: 'x', ACCOUNTS_HTTP_PORT: 'abc' })).toEqual([expect.stringMatching(/^ACCOUNTS_HTTP_PORT: "abc"/)]);
    expect(loadConfig('customers', { CUSTOMERS_HTTP_PORT: '4000', ACCOUNTS_HTTP_PORT: 'abc' }).httpPort).toBe(4000);
  });

  it('refuses API_TOKENS that holds no token, and unreadable NATS files', () => {
    expect(problemsOf({ API_TOKENS: ' , ' })).toEqual([expect.stringMatching(/^API_TOKENS: /)]);
    // A one-character token is refused, and the message never shows a token.
    expect(problemsOf({ API_TOKENS: 'long-enough-token-1,x' })).toEqual(['API_TOKENS: token 2 has 1 characters; each needs at least 16']);
    expect(loadConfig('accounts', { API_TOKENS: 'exactly-16-chars' }).apiTokens).toEqual(['exactly-16-chars']);
    expect(problemsOf({ NATS_CREDS_FILE: '/nonexistent/user.creds' })).toEqual([expect.stringMatching(/^NATS_CREDS_FILE: cannot read file/)]);
    expect(problemsOf({ NATS_CA_FILE: '/nonexistent/ca.pem' })).toEqual([expect.stringMatching(/^NATS_CA_FILE: /)]);
  });

  it('requires a client certificate and its key together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calm-config-'));
    writeFileSync(join(dir, 'cert.pem'), 'x');
    expect(problemsOf({ NATS_TLS_CERT_FILE: join(dir, 'cert.pem') })).toEqual([expect.stringMatching(/^NATS_TLS_KEY_FILE: /)]);
  });

  it('moves NATS credentials out of the server list into the connect options', () => {
    const c = loadConfig('accounts', { NATS_URL: 'nats://svc:s3cr%40t@n1:4222,nats://svc:s3cr%40t@n2:4222' });
    expect(c.natsServers).toEqual(['nats://n1:4222', 'nats://n2:4222']);
    expect(c.natsServers.join()).not.toContain('s3cr');
    // Each user replies on its own prefix, the only one deploy/nats/auth.conf lets it subscribe to.
    expect(natsConnectOptions(c.natsAuth)).toEqual({ user: 'svc', pass: 's3cr@t', inboxPrefix: '_INBOX_svc' });
    const t = loadConfig('accounts', { NATS_URL: 'tls://T0KEN@n1:4222' });
    expect(t.natsServers).toEqual(['tls://n1:4222']);
    expect(natsConnectOptions(t.natsAuth)).toEqual({ token: 'T0KEN', inboxPrefix: '_INBOX' });
  });

  it('never quotes a credential in a configuration error, and turns a bad percent-escape into one named line', () => {
    const secret = 'pw-SECRET-42';
    const cases: Record<string, string>[] = [
      { NATS_URL: `http://svc:${secret}@n1:4222` },
      { NATS_URL: `nats://svc:${secret}@[n1:4222` },
      { NATS_URL: `svc:${secret}@n1:4222,http://svc:${secret}@n2` },
      { NATS_URL: `nats://svc:${secret}@x@` },
      { NATS_URL: `nats://svc:${secret}%zz@n1:4222` },
      { ACCOUNTS_DATABASE_URL: `postgres://app:${secret}%zz@db/accounts` },
      { ACCOUNTS_DATABASE_URL: `mysql://app:${secret}@db/accounts` },
      { ACCOUNTS_DATABASE_URL: `postgres://app:${secret}@[db/accounts` },
    ];
    for (const env of cases) {
      const lines = problemsOf(env);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${Object.keys(env)[0]}: `));
      expect(lines[0]).not.toContain(secret);
    }
    expect(problemsOf({ NATS_URL: 'nats://svc:%zz@n1' })).toEqual([
      'NATS_URL: the credentials in the URL are not valid percent-encoding (write a literal % as %25)',
    ]);
  });

  it('refuses a cluster whose URLs carry different credentials', () => {
    expect(() => splitNatsCredentials('NATS_URL', ['nats://a:b@n1', 'nats://a:c@n2'])).toThrow(/^NATS_URL: /);
  });

  it('maps TLS files and a creds file onto the client options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calm-config-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), 'x');
    // A syntactically valid creds file (JWT and seed are placeholders; nothing connects).
    writeFileSync(
      join(dir, 'u.creds'),
      '-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.sig\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\nSUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n------END USER NKEY SEED------\n',
    );
    const c = loadConfig('accounts', {
      NATS_CA_FILE: join(dir, 'ca.pem'),
      NATS_TLS_CERT_FILE: join(dir, 'cert.pem'),
      NATS_TLS_KEY_FILE: join(dir, 'key.pem'),
      NATS_CREDS_FILE: join(dir, 'u.creds'),
    });
    const options = natsConnectOptions(c.natsAuth);
    expect(options.tls).toEqual({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') });
    expect(typeof options.authenticator).toBe('function');
    expect(problemsOf({ NATS_URL: 'nats://u:p@n1', NATS_CREDS_FILE: join(dir, 'u.creds') })).toEqual([expect.stringMatching(/^NATS_CREDS_FILE: use either/)]);
  });

  it('reads OUTBOX_RETENTION_HOURS (default 7 days) and names it when it is not a number', () => {
    expect(loadConfig('accounts', {}).outboxRetentionMs).toBe(168 * 3_600_000);
    expect(loadConfig('accounts', { OUTBOX_RETENTION_HOURS: '2' }).outboxRetentionMs).toBe(2 * 3_600_000);
    expect(() => loadConfig('accounts', { OUTBOX_RETENTION_HOURS: 'soon' })).toThrow(/OUTBOX_RETENTION_HOURS/);
  });

  it('reads MIGRATIONS_RUN (default true), CALM_COMMIT and HTTP_HOST, naming a bad one', () => {
    expect(loadConfig('customers', {})).toMatchObject({ migrationsRun: true, commit: 'unknown', httpHost: '0.0.0.0' });
    expect(loadConfig('customers', { MIGRATIONS_RUN: 'false', CALM_COMMIT: 'abc123' })).toMatchObject({ migrationsRun: false, commit: 'abc123' });
    expect(problemsOf({ MIGRATIONS_RUN: 'maybe' })).toEqual(['MIGRATIONS_RUN: "maybe" is not true or false']);
  });

  it('reads SHELL_GRACE_SECONDS (default 3600) and SHELL_SWEEP_SECONDS (default 60, 0 = off), naming a bad one', () => {
    expect(loadConfig('accounts', {})).toMatchObject({ shellGraceSeconds: 3600, shellSweepSeconds: 60 });
    expect(loadConfig('accounts', { SHELL_GRACE_SECONDS: '5', SHELL_SWEEP_SECONDS: '0' })).toMatchObject({ shellGraceSeconds: 5, shellSweepSeconds: 0 });
    expect(() => loadConfig('accounts', { SHELL_GRACE_SECONDS: '-1' })).toThrow(/^SHELL_GRACE_SECONDS: /);
    expect(() => loadConfig('accounts', { SHELL_SWEEP_SECONDS: 'hourly' })).toThrow(/^SHELL_SWEEP_SECONDS: /);
  });

  it('reads TWOPC_PARTICIPANT (default off), naming a value that is not true or false', () => {
    expect(loadConfig('customers', {}).twopcParticipant).toBe(false);
    expect(loadConfig('customers', { TWOPC_PARTICIPANT: 'true' }).twopcParticipant).toBe(true);
    expect(loadConfig('accounts', { TWOPC_PARTICIPANT: '0' }).twopcParticipant).toBe(false);
    expect(() => loadConfig('accounts', { TWOPC_PARTICIPANT: 'maybe' })).toThrow(/^TWOPC_PARTICIPANT: "maybe" is not true or false$/);
  });

  it('reads NATS_INBOX_PREFIX and NATS_JS_API_PREFIX (defaults _INBOX_<user> and $JS.API), naming a bad one', () => {
    expect(loadConfig('accounts', {}).natsAuth).toMatchObject({ inboxPrefix: '_INBOX', apiPrefix: '$JS.API' });
    expect(loadConfig('accounts', { NATS_URL: 'nats://replay:pw@n1:4222', NATS_JS_API_PREFIX: 'JS.CALM.API' }).natsAuth).toMatchObject({
      inboxPrefix: '_INBOX_replay',
      apiPrefix: 'JS.CALM.API',
    });
    expect(loadConfig('accounts', { NATS_URL: 'nats://svc:pw@n1:4222', NATS_INBOX_PREFIX: 'replies.svc' }).natsAuth?.inboxPrefix).toBe('replies.svc');
    expect(() => loadConfig('accounts', { NATS_INBOX_PREFIX: '_INBOX.>' })).toThrow(/^NATS_INBOX_PREFIX: /);
    expect(() => loadConfig('accounts', { NATS_JS_API_PREFIX: 'JS API' })).toThrow(/^NATS_JS_API_PREFIX: /);
  });

  it.each(['/', '?', '#'])('never echoes a NATS password holding a raw %s in its configuration error', (c) => {
    const error = (() => {
      try {
        loadConfig('accounts', { NATS_URL: `nats://svc:pa${c}ss-secret@n1:4222` });
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    })();
    expect(error).toMatch(/^NATS_URL: /);
    expect(error).not.toContain('secret');
    expect(error).not.toContain(`pa${c}`);
  });
});
