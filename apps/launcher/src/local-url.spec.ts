import { localNatsPort, localPostgresPort } from './local-url';

describe('which URLs npm start may back with its own server', () => {
  it('takes the default PostgreSQL URLs and the same shape on another port', () => {
    expect(localPostgresPort(['postgres://postgres@127.0.0.1:5432/accounts', 'postgres://postgres@127.0.0.1:5432/customers'])).toBe(5432);
    expect(localPostgresPort(['postgres://postgres@localhost/accounts', 'postgresql://postgres@localhost:5432/customers'])).toBe(5432);
    expect(localPostgresPort(['postgres://postgres@127.0.0.1:55432/accounts', 'postgres://postgres@127.0.0.1:55432/customers'])).toBe(55432);
  });

  it("leaves anybody else's server alone: remote host, other user, a password, two servers", () => {
    expect(localPostgresPort(['postgres://postgres@db:5432/accounts', 'postgres://postgres@127.0.0.1:5432/customers'])).toBeUndefined();
    expect(localPostgresPort(['postgres://app@127.0.0.1:5432/accounts'])).toBeUndefined();
    expect(localPostgresPort(['postgres://postgres:pw@127.0.0.1:5432/accounts'])).toBeUndefined();
    expect(localPostgresPort(['postgres://postgres@127.0.0.1:5432/accounts', 'postgres://postgres@127.0.0.1:5433/customers'])).toBeUndefined();
    expect(localPostgresPort(['postgres://postgres@127.0.0.1:5432/accounts?sslmode=require'])).toBeUndefined();
  });

  it('takes one loopback NATS URL without credentials', () => {
    expect(localNatsPort('nats://127.0.0.1:4222')).toBe(4222);
    expect(localNatsPort('localhost:14222')).toBe(14222);
    expect(localNatsPort('nats://localhost')).toBe(4222);
    expect(localNatsPort('nats://127.0.0.1:4222,nats://127.0.0.1:4223')).toBeUndefined();
    expect(localNatsPort('nats://svc:pw@127.0.0.1:4222')).toBeUndefined();
    expect(localNatsPort('tls://127.0.0.1:4222')).toBeUndefined();
    expect(localNatsPort('nats://broker:4222')).toBeUndefined();
  });
});
