import { sql } from './sql';

/** Only a number below zero is parenthesised (sql.spec.ts says why); zero, also written -0, is written as a plain 0. */
describe('sql tag: zero', () => {
  it('writes 0, 0n and -0 as 0', () => {
    expect(sql`SELECT ${0}, ${0n}, ${-0}`.text).toBe('SELECT 0, 0, 0');
  });
});
