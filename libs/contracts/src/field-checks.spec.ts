import fc from 'fast-check';
import { canonicalCurrencyIn, canonicalTimeIn, canonicalUuidIn, isCanonicalUuid, isUuid, subjectEndsIn } from './field-checks';
import { currencyCode, uuid } from './fields';

/** The checks over the bytes of an ASCII message, the field at an offset (as the fact scanner reads them). */
const inBytes = (check: (t: Uint8Array, from: number, to: number) => boolean, s: string) => {
  const bytes = Uint8Array.from(`"${s}",`, (c) => c.charCodeAt(0) & 0xff);
  return check(bytes, 1, 1 + s.length);
};
const ascii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);

/** Strings near a UUID: real ones in any case, one character changed, cut or lengthened. */
const uuidLike = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.tuple(fc.uuid(), fc.nat(35), fc.constantFrom('g', 'G', '-', 'A', '0', ' ', '\u00e9')).map(([u, i, c]) => u.slice(0, i) + c + u.slice(i + 1)),
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => `${u}0`),
  fc.string({ maxLength: 40 }),
);

describe('field checks', () => {
  it('canonicalUuidIn accepts exactly what fields.ts uuid gives back unchanged, in a string or in bytes', () => {
    fc.assert(
      fc.property(uuidLike, (s) => {
        const unchanged = uuid.safeParse(s).data === s;
        expect(isCanonicalUuid(s)).toBe(unchanged);
        if (ascii(s)) expect(inBytes(canonicalUuidIn, s)).toBe(unchanged);
        expect(isUuid(s)).toBe(uuid.safeParse(s).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('canonicalCurrencyIn accepts exactly what fields.ts currencyCode gives back unchanged', () => {
    const codeLike = fc.oneof(fc.stringMatching(/^[A-Za-z]{3}$/), fc.string({ maxLength: 4 }), fc.constantFrom('EUR', 'eur', 'EU', 'EURO', 'E1R', '@[`'));
    fc.assert(
      fc.property(codeLike, (s) => {
        const unchanged = currencyCode.safeParse(s).data === s;
        expect(canonicalCurrencyIn(s, 0, s.length)).toBe(unchanged);
        if (ascii(s)) expect(inBytes(canonicalCurrencyIn, s)).toBe(unchanged);
      }),
    );
  });

  it('canonicalTimeIn answers the same for a string and for its bytes', () => {
    const timeLike = fc.oneof(
      fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    );
    fc.assert(fc.property(timeLike, (s) => expect(inBytes(canonicalTimeIn, s)).toBe(canonicalTimeIn(s, 0, s.length))));
    expect(canonicalTimeIn('2024-02-29T23:59:59.999Z', 0, 24)).toBe(true);
    expect(canonicalTimeIn('2023-02-29T00:00:00.000Z', 0, 24)).toBe(false);
  });

  it('subjectEndsIn: the subject is <type>.<key> or ends in .<type>.<key>, exactly', () => {
    const token = fc.stringMatching(/^[a-zA-Z.]{0,6}$/);
    fc.assert(
      fc.property(token, token, token, (subject, type, key) => {
        const expected = `${type}.${key}`;
        const reference = subject === expected || subject.endsWith(`.${expected}`);
        expect(subjectEndsIn(subject, type, key)).toBe(reference);
        expect(subjectEndsIn(subject, type, `[${key}]`, 1, key.length + 1)).toBe(reference);
      }),
    );
    expect(subjectEndsIn('x.account.opened.abc', 'account.opened', 'abc')).toBe(true);
    expect(subjectEndsIn('xaccount.opened.abc', 'account.opened', 'abc')).toBe(false);
    expect(subjectEndsIn('account.opened.ABC', 'account.opened', 'abc')).toBe(false);
  });
});
