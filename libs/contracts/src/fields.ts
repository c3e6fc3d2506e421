import { z } from 'zod';
import { ISO_4217_CODES } from './iso-4217';
import { canonicalInstant } from './instant';
import { FIELD_LENGTHS, UUID_ANY_CASE } from './field-checks';

/**
 * The ONE definition of every field the system accepts, REST and events alike. Each
 * schema refuses what no boundary may hold and turns what it accepts into the canonical
 * form (docs/input-contract.md): the REST pipes, the event decoder, the fast decoder
 * (property-tested equal) and the JSON Schemas of the AsyncAPI and OpenAPI documents
 * all derive from here. Messages are predicates; the callers prefix the field's path.
 */

/** Any letter case in, lower case out: the lock key, the idempotency check and SQL see one spelling. */
export const uuid = z.string().regex(UUID_ANY_CASE, { error: 'must be a UUID' }).toLowerCase().meta({ format: 'uuid' });

/** Three ASCII letters in any case, upper case out (events: any such code a publisher sends). */
export const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, { error: 'must be three ASCII letters' })
  .toUpperCase();

/** What the REST API takes: a code of the ISO 4217 list, in any letter case. */
export const isoCurrency = currencyCode.refine((c) => ISO_4217_CODES.has(c), { error: 'must be an ISO 4217 currency code' });

/** NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate (lone ones are not text; pairs are checked below). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;

/** True when `s` holds no NUL and no lone surrogate. */
export function isStorableText(s: string): boolean {
  if (!NUL_OR_SURROGATE.test(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** Length in Unicode code points (what JSON Schema's minLength/maxLength count). */
export function codePoints(s: string): number {
  if (!NUL_OR_SURROGATE.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return n;
}

/** Text of min..max code points, storable by PostgreSQL as text and jsonb. */
export const text = (min: number, max: number) =>
  z
    .string()
    .refine(isStorableText, { error: 'must not contain NUL or a lone surrogate', abort: true })
    .refine(
      (s) => {
        const n = codePoints(s);
        return n >= min && n <= max;
      },
      { error: min === max ? `must be ${min} characters long` : `must be ${min} to ${max} characters long` },
    )
    .meta({ minLength: min, maxLength: max });

/** Optional text fields of the envelope (may be empty). */
export const optionalText = (max: number) => text(0, max).optional();

/** What the REST API takes as an address (zod's email pattern); stored as given. */
export const email = text(...FIELD_LENGTHS.email)
  .refine((s) => z.regexes.email.test(s), { error: 'must be an email address' })
  .meta({ format: 'email' });

/** The email of an event: any storable text of 3..320 code points (events carry what REST accepted, and third parties' too). */
export const eventEmail = text(...FIELD_LENGTHS.email);

/**
 * An RFC 3339 date-time in years 0001-9999 (after applying its offset), with a time zone;
 * an impossible date (2024-02-30) is refused, never moved. Out: millisecond ISO with Z,
 * so a value folded from the stream equals the value stored in PostgreSQL and in JS.
 */
export const instant = z
  .string()
  .max(64, { error: 'must be an RFC 3339 date-time' })
  .transform((s, ctx) => {
    const canonical = canonicalInstant(s);
    if (canonical === undefined) {
      ctx.issues.push({ code: 'custom', message: 'must be an RFC 3339 date-time with a time zone, in years 0001-9999', input: s });
      return z.NEVER;
    }
    return canonical;
  })
  .meta({ format: 'date-time' });
