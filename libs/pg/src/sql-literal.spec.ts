import fc from 'fast-check';
import { escapeLiteral } from 'pg';
import { PermanentEventError } from '@calm/contracts';
import { sqlArray, sqlLiteral } from './sql-literal';

describe('sqlLiteral', () => {
  it('quotes exactly as pg escapeLiteral does, for any text without NUL', () => {
    const text = fc.string({ unit: fc.constantFrom('a', "'", '\\', '"', 'é', ';', ' ', '\n', '$') });
    fc.assert(
      fc.property(
        fc.oneof(text, fc.string({ unit: 'binary' })).filter((s) => !s.includes('\u0000')),
        (s) => expect(sqlLiteral(s)).toBe(escapeLiteral(s)),
      ),
    );
  });

  it('refuses a NUL as a permanent error (PostgreSQL text cannot hold it)', () => {
    expect(() => sqlLiteral('a\u0000b')).toThrow(PermanentEventError);
    expect(() => sqlLiteral('a\u0000b')).toThrow('a text value holds a NUL character (\\u0000), which PostgreSQL cannot store');
    expect(() => sqlArray(['ok', 'a\u0000b'], 'text')).toThrow(PermanentEventError);
  });

  it('builds a typed array of quoted literals', () => {
    expect(sqlArray(["it's", 'b\\c'], 'text')).toBe(`ARRAY['it''s', E'b\\\\c']::text[]`);
  });
});
