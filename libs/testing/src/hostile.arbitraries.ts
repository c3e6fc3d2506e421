import fc from 'fast-check';

/** Strings that have broken parsers, SQL, logs and databases before. */
export const nastyStrings = [
  "' OR 1=1 --",
  "'; DROP TABLE account; --",
  '"; SELECT pg_sleep(10); --',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0041',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%ff%2e%2e',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e309',
  'EUR\n',
  ' eur',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '😀'.repeat(50),
  'x'.repeat(5000),
];

export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...nastyStrings),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.uuid(),
    fc.string({ minLength: 1000, maxLength: 20_000 }),
  );

/** Any JSON value, with hostile strings in it. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      hostileString(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(hostileString(), fc.constantFrom('__proto__', 'constructor')), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/**
 * A JSON object shaped like `template` (same field names, plus some random ones), each
 * field kept, dropped or replaced by something hostile: near misses get further into
 * a parser than noise does.
 */
export function mutatedObject(template: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    Object.entries(template).map(([k, v]) => [
      k,
      fc.oneof({ weight: 3, arbitrary: fc.constant(v) }, { weight: 1, arbitrary: hostileJson() }, { weight: 1, arbitrary: fc.constant(undefined) }),
    ]),
  );
  return fc.record({ known: fc.record(fields), extra: fc.dictionary(hostileString(), hostileJson(), { maxKeys: 2 }) }).map(({ known, extra }) => {
    const out: Record<string, unknown> = { ...extra };
    for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
    return out;
  });
}

/** The seed of a fuzz run: FUZZ_SEED when set (to replay a failure), else random; printed either way. */
export function fuzzSeed(label: string): number {
  const raw = process.env.FUZZ_SEED;
  const seed = raw && /^-?\d+$/.test(raw) ? Number(raw) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`${label}: FUZZ_SEED=${seed}\n`);
  return seed;
}

/**
 * Strings of an instant's canonical shape, `YYYY-MM-DDTHH:MM:SS.mmmZ`, with every field
 * drawn a little past its range (month 13, day 32, hour 25, second 61, year 0): the
 * checks of a canonical instant must take exactly the valid ones.
 */
export const instantShaped = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(([y, mo, d, h, mi, s, ms]) => {
      const p = (n: number, w: number) => String(n).padStart(w, '0');
      return `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}T${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}.${p(ms, 3)}Z`;
    });

/** Instants at the edges of the calendar: year 0 and 9999, leap days that are and are not, hour 24. */
export const instantEdgeCases = [
  '0000-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '2024-02-29T00:00:00.000Z',
  '2023-02-29T00:00:00.000Z',
  '1900-02-29T00:00:00.000Z',
  '2000-02-29T23:59:59.999Z',
  '2026-01-01T24:00:00.000Z',
];
