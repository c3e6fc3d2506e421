import { DatabaseUnavailableError, isTransientDatabaseError } from './database';

describe('isTransientDatabaseError', () => {
  it.each([
    ['a connection failure (08006)', { code: '08006' }],
    ['an admin shutdown (57P01)', { code: '57P01' }],
    ['a serialization failure (40001)', { code: '40001' }],
    ['a refused socket', { code: 'ECONNREFUSED' }],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['the service not connected yet', new DatabaseUnavailableError()],
  ])('counts %s as an outage to wait out', (_what, err) => {
    expect(isTransientDatabaseError(err)).toBe(true);
  });

  it.each([
    ['a protocol violation such as a NUL byte (08P01)', { code: '08P01' }],
    ['invalid text (22P02)', { code: '22P02' }],
    ['a unique violation (23505)', { code: '23505' }],
    ['a bug', new TypeError('x is undefined')],
  ])("counts %s as the request's own failure", (_what, err) => {
    expect(isTransientDatabaseError(err)).toBe(false);
  });
});
