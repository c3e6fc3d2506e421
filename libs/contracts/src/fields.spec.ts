import fc from 'fast-check';
import { codePoints, currencyCode, instant, isStorableText, isoCurrency, text, uuid } from './fields';
import { canonicalInstant } from './instant';
import { createCustomerBody, openAccountBody } from './requests';

const runs = (n: number) => ({ numRuns: Number(process.env.FUZZ_RUNS ?? n) });
const p2 = (n: number) => String(n).padStart(2, '0');

describe('uuid: any letter case in, lower case out', () => {
  it('accepts every case variant of a UUID and gives its lower-case spelling', () => {
    const variant = fc
      .tuple(fc.uuid(), fc.array(fc.boolean(), { minLength: 36, maxLength: 36 }))
      .map(([u, up]) => ({ u, v: [...u].map((c, i) => (up[i] ? c.toUpperCase() : c)).join('') }));
    fc.assert(
      fc.property(variant, ({ u, v }) => expect(uuid.parse(v)).toBe(u.toLowerCase())),
      runs(500),
    );
  });
  it.each([
    '',
    'x',
    '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e1',
    '0b8f1e0c4a434b8e9a3c3c8a1f2d9e11',
    '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e1g',
    ' 0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11',
  ])('refuses %j', (s) => {
    expect(uuid.safeParse(s).success).toBe(false);
  });
});

describe('currency', () => {
  it('"eur" is EUR, for REST (ISO 4217) and events (three ASCII letters) alike', () => {
    expect(isoCurrency.parse('eur')).toBe('EUR');
    expect(currencyCode.parse('eUr')).toBe('EUR');
  });
  it.each(['XXY', 'EURO', 'EU', 'É€U', 'EUR\n', ' eur'])('REST refuses %j', (c) => expect(isoCurrency.safeParse(c).success).toBe(false));
  it('every currency REST accepts, the event schema accepts unchanged', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 3 }), (c) => {
        const rest = isoCurrency.safeParse(c);
        if (rest.success) expect(currencyCode.parse(rest.data)).toBe(rest.data);
      }),
      runs(2000),
    );
  });
});

describe('text: no NUL, no lone surrogate, lengths in code points', () => {
  const name = text(1, 200);
  it('counts code points: 200 emoji are a name, 201 are not', () => {
    expect(name.safeParse('😀'.repeat(200)).success).toBe(true);
    expect(name.safeParse('😀'.repeat(201)).success).toBe(false);
    expect(name.safeParse('e\u0301'.repeat(100)).success).toBe(true); // 200 code points (combining accents count)
  });
  it.each([
    ['NUL', 'a\u0000b'],
    ['a lone high surrogate', '\ud800'],
    ['a lone low surrogate', 'x\udfffy'],
    ['a reversed pair', '\udc00\ud800'],
  ])('refuses %s', (_l, s) => {
    expect(name.safeParse(s).error?.issues[0].message).toBe('must not contain NUL or a lone surrogate');
  });
  it('takes surrogate pairs at the edges of both ranges and refuses each half alone', () => {
    for (const pair of ['\ud800\udc00', '\ud800\udfff', '\udbff\udc00', '\udbff\udfff', 'a\ud83d\ude00b']) expect(isStorableText(pair)).toBe(true);
    for (const lone of ['\ud800\udbff', '\ud800\ue000', '\ud800a', 'a\udbff', '\udc00', '\udfff', 'a\udc00b']) expect(isStorableText(lone)).toBe(false);
  });
  it('names the one length a fixed-length text takes', () => {
    expect(text(3, 3).safeParse('ab').error?.issues[0].message).toBe('must be 3 characters long');
  });
  it('agrees with the spread operator and a well-formedness check on any UTF-16 string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ maxLength: 30 })), (s) => {
        expect(codePoints(s)).toBe([...s].length);
        const wellFormed = !s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s;
        expect(isStorableText(s)).toBe(wellFormed);
      }),
      runs(3000),
    );
  });
});

describe('instant: RFC 3339, years 0001-9999, impossible dates refused never moved', () => {
  it.each([
    ['year 0', '0000-01-01T00:00:00Z'],
    ['an offset that moves into year 0', '0001-01-01T00:30:00+01:00'],
    ['year -1 by offset', '0000-01-01T00:30:00+01:00'],
    ['an offset that moves past 9999', '9999-12-31T23:00:00-05:00'],
    ['February 30th', '2024-02-30T00:00:00Z'],
    ['February 29th of a common year', '2023-02-29T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['no time zone', '2026-01-01T00:00:00'],
    ['an offset without colon', '2026-01-01T00:00:00+0100'],
    ['an expanded year', '+002026-01-01T00:00:00Z'],
    ['offset minutes 60', '2026-01-01T00:00:00+01:60'],
  ])('refuses %s (%s)', (_l, s) => expect(instant.safeParse(s).success).toBe(false));

  it.each([
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0001-01-01T01:30:00+01:00', '0001-01-01T00:30:00.000Z'],
    ['9999-12-31T23:59:59.9999Z', '9999-12-31T23:59:59.999Z'],
    ['2024-02-29t12:00:00z', '2024-02-29T12:00:00.000Z'],
    ['2026-01-02T05:04:05.123+02:00', '2026-01-02T03:04:05.123Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
  ])('reads %s as %s', (s, want) => expect(instant.parse(s)).toBe(want));

  it('equals Date for every real instant of years 0001-9999, in any offset, and refuses what Date would move', () => {
    const parts = fc.record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      ms: fc.integer({ min: 0, max: 999 }),
      off: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    });
    fc.assert(
      fc.property(parts, ({ y, mo, d, h, mi, s, ms, off }) => {
        const sign = off < 0 ? '-' : '+';
        const text = `${String(y).padStart(4, '0')}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}.${String(ms).padStart(3, '0')}${sign}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
        // The reference: the local fields as given, then the offset.
        const local = new Date(0);
        local.setUTCFullYear(y, mo - 1, d);
        local.setUTCHours(h, mi, s, ms);
        const dateMoved = local.getUTCFullYear() !== y || local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== d;
        const at = new Date(local.getTime() - off * 60_000);
        const inRange = at.getUTCFullYear() >= 1 && at.getUTCFullYear() <= 9999;
        expect(canonicalInstant(text)).toBe(!dateMoved && y >= 1 && inRange ? at.toISOString() : undefined);
      }),
      runs(5000),
    );
  });
});

describe('REST bodies', () => {
  it('canonicalise: ids lower-case, currency upper-case', () => {
    expect(
      openAccountBody.parse({ accountId: 'A0000000-0000-4000-8000-00000000000F', customerId: 'B0000000-0000-4000-8000-00000000000F', currency: 'usd' }),
    ).toEqual({
      accountId: 'a0000000-0000-4000-8000-00000000000f',
      customerId: 'b0000000-0000-4000-8000-00000000000f',
      currency: 'USD',
    });
  });
  it('refuse unknown fields and say which', () => {
    const r = createCustomerBody.safeParse({ name: 'Ada', email: 'ada@example.com', colour: 'red' });
    expect(r.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['colour'] })]);
  });
});
