import { email, instant, isoCurrency, text } from './fields';

/**
 * A refused field says which rule it broke, in the words the REST answers and the dead
 * letters carry (docs/input-contract.md), and a fraction of a second is read as a decimal
 * fraction whatever its number of digits.
 */
const messages = (schema: { safeParse: (v: unknown) => { error?: { issues: { message: string }[] } } }, v: unknown) =>
  schema.safeParse(v).error?.issues.map((i) => i.message);

describe('a refused field names its rule', () => {
  it('text: the range of lengths, in code points', () => {
    expect(messages(text(1, 200), '')).toEqual(['must be 1 to 200 characters long']);
    expect(messages(text(2, 4), 'abcde')).toEqual(['must be 2 to 4 characters long']);
    expect(messages(text(2, 4), '😀😀😀😀')).toBeUndefined();
  });

  it('email: not an address', () => {
    expect(messages(email, 'ada-at-example.com')).toEqual(['must be an email address']);
    expect(messages(email, 'ada@example.com')).toBeUndefined();
  });

  it('currency: not on the ISO 4217 list', () => {
    expect(messages(isoCurrency, 'XXY')).toEqual(['must be an ISO 4217 currency code']);
  });

  it('instant: not an RFC 3339 date-time with a time zone in years 0001-9999', () => {
    expect(messages(instant, '2024-02-30T00:00:00Z')).toEqual(['must be an RFC 3339 date-time with a time zone, in years 0001-9999']);
  });
});

describe('instant: the fraction of a second', () => {
  it.each([
    ['2026-01-02T03:04:05.5Z', '2026-01-02T03:04:05.500Z'],
    ['2026-01-02T03:04:05.05Z', '2026-01-02T03:04:05.050Z'],
    ['2026-01-02T03:04:05.000999Z', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
  ])('reads %s as %s', (s, want) => expect(instant.parse(s)).toBe(want));
});
