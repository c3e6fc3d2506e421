import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { loggerParams } from './logging';
import { redactUrlCredentials } from '@calm/config';

describe('redactUrlCredentials', () => {
  it('removes passwords and tokens written into URLs, keeping the rest', () => {
    expect(redactUrlCredentials('cannot reach nats://svc:hunter2@n1:4222,nats://svc:hunter2@n2:4222 now')).toBe(
      'cannot reach nats://svc:[redacted]@n1:4222,nats://svc:[redacted]@n2:4222 now',
    );
    expect(redactUrlCredentials('postgres://app:p%40ss@db:5432/accounts')).toBe('postgres://app:[redacted]@db:5432/accounts');
    expect(redactUrlCredentials('tls://s3cretToken@n1:4222')).toBe('tls://[redacted]@n1:4222');
    expect(redactUrlCredentials('postgres://postgres@127.0.0.1:5432/accounts')).toBe('postgres://[redacted]@127.0.0.1:5432/accounts');
    expect(redactUrlCredentials('no url here: a@b.c')).toBe('no url here: a@b.c');
  });

  it('ends the credentials at the last @ before the host, so a raw @ in a password does not leak its tail', () => {
    expect(redactUrlCredentials('nats://u:p@ss@h:4222')).toBe('nats://u:[redacted]@h:4222');
    expect(redactUrlCredentials('nats://t@k@n@h')).toBe('nats://[redacted]@h');
    expect(redactUrlCredentials('nats://u:a@b@n1,nats://u:c@d@n2 down')).toBe('nats://u:[redacted]@n1,nats://u:[redacted]@n2 down');
    expect(redactUrlCredentials('http://h/p?next=a@b#x@y')).toBe('http://h/p?next=a@b#x@y');
    expect(redactUrlCredentials('postgres://u:%zz@h/db')).toBe('postgres://u:[redacted]@h/db');
  });

  it('leaves no character of any password in the text, whatever the password holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."abcXYZ019@:%!$&'()*+,;=._~-".split('')), minLength: 1, maxLength: 30 }),
        fc.constantFrom('nats', 'tls', 'postgres'),
        (secret, scheme) => {
          const marked = `SECRET${secret}`;
          const out = redactUrlCredentials(`cannot reach ${scheme}://user:${marked}@host:1/x and more`);
          expect(out).toBe(`cannot reach ${scheme}://user:[redacted]@host:1/x and more`);
        },
      ),
    );
  });
});

describe('the pino configuration', () => {
  function capture(): { lines: string[]; stream: Writable } {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return { lines, stream };
  }

  it('writes JSON lines and never the authorization header, a password field or a URL password', () => {
    const { lines, stream } = capture();
    const opts = loggerParams('accounts', 'info', false).pinoHttp as PinoHttpOptions;
    const logger = pino(opts as pino.LoggerOptions, stream);
    logger.info({ req: { headers: { authorization: 'Bearer tok-SECRET-1' } } }, 'request');
    logger.info({ config: { password: 'pw-SECRET-2', token: 'tok-SECRET-3' } }, 'config');
    logger.warn('cannot reach NATS JetStream at nats://svc:pw-SECRET-4@n1:4222');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.join('')).not.toMatch(/SECRET/);
    expect(JSON.parse(lines[2]).msg).toBe('cannot reach NATS JetStream at nats://svc:[redacted]@n1:4222');
  });
});

describe('the per-request logger', () => {
  it('is mounted only at the levels that write access lines (debug, trace)', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'silent'] as const) expect(loggerParams('accounts', level, false).forRoutes).toEqual([]);
    for (const level of ['debug', 'trace'] as const) expect(loggerParams('accounts', level, false).forRoutes).toBeUndefined();
  });
});
