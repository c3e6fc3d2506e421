import fc from 'fast-check';

/**
 * The raw spellings a boundary accepts for one canonical value (docs/input-contract.md):
 * tests send these and expect the canonical value back, so a property ranges over the
 * whole accepted space and not only over the forms the system writes itself. Each comes
 * as a choice drawn up front and a function applying it, for callers that learn the value
 * only later (a live trial derives its ids and times when it delivers).
 */

/** One case per character: true for upper. */
export const caseBits = (length: number): fc.Arbitrary<boolean[]> => fc.array(fc.boolean(), { minLength: length, maxLength: length });

/** `s` with character i in the case of bit i (repeating the bits over a longer string). */
export const withCase = (s: string, up: readonly boolean[]): string =>
  [...s].map((c, i) => (up.length > 0 && up[i % up.length] ? c.toUpperCase() : c.toLowerCase())).join('');

/** `s` with each letter's case drawn on its own ("aB3d-..."), not the whole string upper or lower. */
export const mixedCase = (s: string): fc.Arbitrary<string> => caseBits(s.length).map((up) => withCase(s, up));

export interface InstantSpellingChoice {
  /** Minutes east of UTC and how the offset is written. */
  zone: { minutes: number; text: string };
  t: 'T' | 't';
  /** Digits after the milliseconds (truncated by the reader). */
  subMs: string;
  /** Leave the fraction out where the milliseconds are 0 and no sub-millisecond digits follow. */
  dropZeroFraction: boolean;
}

/** A time zone offset RFC 3339 allows (-23:59..+23:59; UTC as `Z`, `z`, `+00:00` or `-00:00`). */
const zone = fc.oneof(
  fc.constantFrom({ minutes: 0, text: 'Z' }, { minutes: 0, text: 'z' }, { minutes: 0, text: '+00:00' }, { minutes: 0, text: '-00:00' }),
  fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }).map((minutes) => {
    const abs = Math.abs(minutes);
    const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    return { minutes, text: `${minutes < 0 ? '-' : '+'}${hhmm}` };
  }),
);

export const instantSpellingChoice: fc.Arbitrary<InstantSpellingChoice> = fc
  .tuple(zone, fc.constantFrom<'T' | 't'>('T', 't'), fc.integer({ min: 0, max: 6 }), fc.nat({ max: 999_999 }), fc.boolean())
  .map(([z, t, length, digits, dropZeroFraction]) => ({ zone: z, t, subMs: String(digits).padStart(6, '0').slice(0, length), dropZeroFraction }));

/**
 * One instant, given canonically (`2026-01-02T03:04:05.123Z`), spelled as the choice says:
 * the same moment in another offset, `T` or `t`, the canonical milliseconds followed by
 * sub-millisecond digits, or no fraction at all when the milliseconds are 0. A local time
 * that would leave the years 0001-9999 keeps UTC: the reader refuses a local year 0000
 * even where the offset brings it into year 0001 (canonicalInstant checks the date as
 * written, then the UTC year).
 */
export function spellInstant(canonical: string, choice: InstantSpellingChoice): string {
  const local = new Date(Date.parse(canonical) + choice.zone.minutes * 60_000).toISOString();
  const shifted = /^(?!0000)\d{4}-/.test(local);
  const [date, clock] = (shifted ? local : canonical).split('T');
  const [hms, fraction] = clock.replace('Z', '').split('.');
  const ms = fraction === '000' && choice.dropZeroFraction && choice.subMs === '' ? '' : `.${fraction}${choice.subMs}`;
  return `${date}${choice.t}${hms}${ms}${shifted ? choice.zone.text : 'Z'}`;
}

/** Spellings of one canonical instant. */
export const instantSpelling = (canonical: string): fc.Arbitrary<string> => instantSpellingChoice.map((c) => spellInstant(canonical, c));
