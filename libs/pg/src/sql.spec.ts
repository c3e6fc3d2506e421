import fc from 'fast-check';
import { escapeLiteral } from 'pg';
import { PermanentEventError } from '@calm/contracts';
import { Sql, queryNamed, sql } from './sql';

describe('sql tag', () => {
  it('quotes every interpolated string with the literal escaping', () => {
    const text = fc.string({ unit: fc.constantFrom('a', "'", '\\', '"', 'é', ';', ' ', '\n', '$', '😀', '\u0301') });
    fc.assert(fc.property(text, (s) => expect(sql`SELECT ${s}`.text).toBe(`SELECT ${escapeLiteral(s)}`)));
  });

  it('an injection attempt stays one literal', () => {
    expect(sql`SELECT * FROM t WHERE id = ${"x'; DROP TABLE t; --"}`.text).toBe(`SELECT * FROM t WHERE id = 'x''; DROP TABLE t; --'`);
  });

  it('quotes dates, numbers, booleans and null; nests fragments as they are', () => {
    const inner = sql`now() - ${'1 hour'}::interval`;
    expect(sql`${new Date('2026-01-01T00:00:00.123Z')}, ${42}, ${-1.5}, ${10n}, ${true}, ${null}, ${inner}`.text).toBe(
      `'2026-01-01T00:00:00.123Z', 42, (-1.5), 10, true, NULL, now() - '1 hour'::interval`,
    );
  });

  it('refuses a value it cannot quote instead of pasting it', () => {
    const bad: unknown[] = [undefined, {}, [1], () => 1, NaN, Infinity, new Date('nope'), Symbol('s')];
    for (const value of bad) expect(() => sql`SELECT ${value as string}`).toThrow(TypeError);
  });

  it('parenthesises a negative number, so that a minus before it cannot start a comment', () => {
    expect(sql`SELECT 1-${-1}`.text).toBe('SELECT 1-(-1)');
    expect(sql`SELECT 1-${-1n}`.text).toBe('SELECT 1-(-1)');
    expect(sql`SELECT 1-${-0.5}, ${2}`.text).toBe('SELECT 1-(-0.5), 2');
  });

  it('refuses a lone surrogate as a permanent error instead of letting the driver send U+FFFD', () => {
    expect(() => sql`SELECT ${'a\uD800b'}`).toThrow(PermanentEventError);
    expect(() => sql`SELECT ${'\uDC00'}`).toThrow(/lone surrogate/);
    expect(sql`SELECT ${'\uD83D\uDE00'}`.text).toBe("SELECT '\uD83D\uDE00'");
  });

  it('says what it refused: the number, the invalid Date, undefined or the type', () => {
    expect(() => sql`SELECT ${NaN}`).toThrow('sql: refusing the non-finite number NaN');
    expect(() => sql`SELECT ${-Infinity}`).toThrow('sql: refusing the non-finite number -Infinity');
    expect(() => sql`SELECT ${new Date('nope')}`).toThrow('sql: refusing an invalid Date');
    expect(() => sql`SELECT ${undefined as unknown as string}`).toThrow('sql: refusing to interpolate undefined (only quotable values and sql fragments)');
    expect(() => sql`SELECT ${{} as string}`).toThrow('sql: refusing to interpolate object (only quotable values and sql fragments)');
    expect(() => sql.array(['a'], 'text; x')).toThrow('sql.array: refusing the type name "text; x"');
  });

  it('writes booleans as the SQL keywords', () => {
    expect(sql`${false} ${true}`.text).toBe('false true');
  });

  it('refuses a NUL as a permanent error, like sqlLiteral', () => {
    expect(() => sql`SELECT ${'a\u0000b'}`).toThrow(PermanentEventError);
    expect(() => sql.array(['a\u0000'], 'text')).toThrow(PermanentEventError);
  });

  it('builds typed arrays and refuses a type name that is not one', () => {
    expect(sql.array(["it's", 'b'], 'text').text).toBe(`ARRAY['it''s','b']::text[]`);
    expect(sql.array([], 'uuid').text).toBe('ARRAY[]::uuid[]');
    expect(() => sql.array(['a'], 'text[]; DROP TABLE t')).toThrow(TypeError);
  });

  it('joins fragments and values', () => {
    expect(sql.join([sql`a`, 'b', 1]).text).toBe(`a, 'b', 1`);
  });

  it('a fragment can only come from the tag (no public constructor)', () => {
    expect(sql`x` instanceof Sql).toBe(true);
    expect(String(sql`SELECT ${1}`)).toBe('SELECT 1');
  });
});

describe('queryNamed', () => {
  it('sends the statements as one message and answers each result by name', async () => {
    const sent: string[] = [];
    const db = { query: async (text: string) => (sent.push(text), [{ rows: [1] }, { rows: [2] }, { rows: [3] }]) };
    const r = await queryNamed(db, { begin: sql`BEGIN`, claim: sql`SELECT ${'a'}`, commit: sql`COMMIT` });
    expect(sent).toEqual([`BEGIN;\nSELECT 'a';\nCOMMIT`]);
    expect([r.begin.rows, r.claim.rows, r.commit.rows]).toEqual([[1], [2], [3]]);
  });

  it('accepts the single result pg answers for one statement', async () => {
    const r = await queryNamed({ query: async () => ({ rows: [7] }) }, { only: sql`SELECT 7` });
    expect(r.only.rows).toEqual([7]);
  });

  it('refuses to send no statement at all', async () => {
    let sent = 0;
    await expect(queryNamed({ query: async () => void sent++ }, {})).rejects.toThrow('queryNamed: no statements');
    expect(sent).toBe(0);
  });

  it('fails loudly when the count of results does not match', async () => {
    await expect(queryNamed({ query: async () => [{ rows: [] }] }, { a: sql`SELECT 1`, b: sql`SELECT 2` })).rejects.toThrow(/2 statements answered 1/);
  });
});
