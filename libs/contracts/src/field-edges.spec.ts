import { z } from 'zod';
import { codePoints, text } from './fields';
import { canonicalInstant, isRealDate } from './instant';

/**
 * The edges of each field's ranges, one example each: the properties in fields.spec.ts
 * draw thousands of cases, but rarely the one character or date at an edge.
 */
describe('code points at the edges of the surrogate ranges', () => {
  it.each([
    ['the first pair', '\ud800\udc00', 1],
    ['the last pair', '\udbff\udfff', 1],
    ['the last high half and the first low half', '\udbff\udc00', 1],
    ['the first high half and the last low half', '\ud800\udfff', 1],
    ['the BMP character before the high halves, then a low half', '\ud7ff\udc00', 2],
    ['a high half, then the BMP character after the low halves', '\ud800\ue000', 2],
    ['a high half, then the last character before the low halves', '\ud800\udbff', 2],
    ['two low halves', '\udc00\udc00', 2],
    ['a lone high half at the end', 'a\ud800', 2],
    ['an emoji between letters', 'a😀b', 3],
  ])('%s: %j is %d', (_l, s, n) => expect(codePoints(s)).toBe(n));
});

describe('text lengths at both ends', () => {
  it('takes exactly min and exactly max code points, and refuses one fewer or one more', () => {
    const t = text(2, 4);
    expect(['ab', '😀😀', 'abcd', '😀😀😀😀'].map((s) => t.safeParse(s).success)).toEqual([true, true, true, true]);
    expect(['a', '😀', 'abcde', '😀😀😀😀😀'].map((s) => t.safeParse(s).success)).toEqual([false, false, false, false]);
  });

  it('gives the same lengths to the JSON Schema of the documents', () => {
    expect(z.toJSONSchema(text(2, 4))).toMatchObject({ type: 'string', minLength: 2, maxLength: 4 });
  });

  it('names only the first broken rule: text that cannot be stored is not measured', () => {
    expect(
      text(3, 3)
        .safeParse('\u0000')
        .error?.issues.map((i) => i.message),
    ).toEqual(['must not contain NUL or a lone surrogate']);
  });
});

describe('dates at the edges of the calendar', () => {
  it.each([
    ['February 29th of a year divisible by 400', 2000, 2, 29, true],
    ['February 29th of a year divisible by 100 only', 1900, 2, 29, false],
    ['February 29th of a year divisible by 4 only', 2024, 2, 29, true],
    ['February 28th of a common year', 2023, 2, 28, true],
    ['day 0', 2024, 3, 0, false],
    ['day 31 of a 31-day month', 2024, 12, 31, true],
    ['day 31 of a 30-day month', 2024, 11, 31, false],
    ['month 0', 2024, 0, 1, false],
    ['month 13', 2024, 13, 1, false],
    ['January of year 1', 1, 1, 1, true],
    ['year 0', 0, 1, 1, false],
    ['December of year 9999', 9999, 12, 31, true],
    ['year 10000', 10000, 1, 1, false],
  ])('%s: %d-%d-%d is %s', (_l, y, m, d, real) => expect(isRealDate(y, m, d)).toBe(real));

  it.each([
    ['day 00', '2024-03-00T00:00:00Z'],
    ['month 00', '2024-00-10T00:00:00Z'],
    ['month 13', '2024-13-10T00:00:00Z'],
    ['February 29th of 1900', '1900-02-29T00:00:00Z'],
    ['an offset of 24 hours', '2026-01-01T12:00:00+24:00'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['second 60', '2026-01-01T00:00:60Z'],
  ])('refuses %s (%s)', (_l, s) => expect(canonicalInstant(s)).toBeUndefined());

  it.each([
    ['February 29th of 2000', '2000-02-29T23:59:59Z', '2000-02-29T23:59:59.000Z'],
    ['the last offset, +23:59', '2026-01-02T00:00:00+23:59', '2026-01-01T00:01:00.000Z'],
    ['the last offset, -23:59', '2026-01-01T00:00:00-23:59', '2026-01-01T23:59:00.000Z'],
    ['hour 23, minute 59, second 59', '2026-01-01T23:59:59Z', '2026-01-01T23:59:59.000Z'],
  ])('reads %s', (_l, s, want) => expect(canonicalInstant(s)).toBe(want));
});
