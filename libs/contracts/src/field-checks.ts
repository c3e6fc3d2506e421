/**
 * The one table of field checks that every decoder reads: decodeEvent (through the zod
 * schemas of fields.ts, cloud-event.ts and events.ts), fastDecodeEvent (fast-decode.ts)
 * and the replay's fact scanner, which reads fields straight off a message's bytes. A
 * limit or a canonical shape changed here changes all three together, so they cannot
 * drift apart (their specs check that each agrees with decodeEvent).
 *
 * The canonical checks answer for the values that each field's normalisation (fields.ts)
 * gives back unchanged: the fast decoders take those as they are and leave anything else
 * to decodeEvent. They read a range of a string or of ASCII bytes alike, so the scanner
 * needs no string per field.
 */

/** Length limits (code points) of the text fields of the envelope and of event data: [min, max]. */
export const FIELD_LENGTHS = {
  id: [1, 200],
  source: [1, 500],
  type: [1, 200],
  subject: [0, 500],
  datacontenttype: [0, 200],
  tracestate: [0, 512],
  name: [1, 200],
  email: [3, 320],
} as const satisfies Record<string, readonly [number, number]>;

/** A field's text: a string, or the bytes of an ASCII message. */
export type FieldText = string | Uint8Array;

const codeAt = (t: FieldText, i: number): number => (typeof t === 'string' ? t.charCodeAt(i) : t[i]);

/** A UUID in any letter case: what fields.ts `uuid` accepts (and gives back lower case). */
export const UUID_ANY_CASE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_ANY_CASE.test(s);

/** A canonical (lower-case) UUID in t[from, to): what fields.ts `uuid` gives back unchanged. */
export function canonicalUuidIn(t: FieldText, from: number, to: number): boolean {
  if (to - from !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = codeAt(t, from + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

export const isCanonicalUuid = (v: unknown): v is string => typeof v === 'string' && canonicalUuidIn(v, 0, v.length);

/** Three upper-case ASCII letters in t[from, to): what fields.ts `currencyCode` gives back unchanged. */
export function canonicalCurrencyIn(t: FieldText, from: number, to: number): boolean {
  if (to - from !== 3) return false;
  for (let i = from; i < to; i++) {
    const c = codeAt(t, i);
    if (c < 0x41 || c > 0x5a) return false;
  }
  return true;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The separators of "YYYY-MM-DDTHH:MM:SS.mmmZ" by position; 0: a digit. */
const TIME_SHAPE = new Int32Array(24);
for (const [i, c] of [
  [4, 0x2d],
  [7, 0x2d],
  [10, 0x54],
  [13, 0x3a],
  [16, 0x3a],
  [19, 0x2e],
  [23, 0x5a],
])
  TIME_SHAPE[i] = c;

/**
 * True when t[from, to) is "YYYY-MM-DDTHH:MM:SS.mmmZ" naming a real instant in years
 * 0001-9999: exactly the strings that fields.ts `instant` gives back unchanged, checked by
 * field ranges rather than by a parse and a format (a third of decode time).
 */
export function canonicalTimeIn(t: FieldText, from: number, to: number): boolean {
  if (to - from !== 24) return false;
  for (let i = 0; i < 24; i++) {
    const c = codeAt(t, from + i);
    const sep = TIME_SHAPE[i];
    if (sep === 0 ? c < 0x30 || c > 0x39 : c !== sep) return false;
  }
  const year = digits(t, from, 4);
  const month = digits(t, from + 5, 2);
  const day = digits(t, from + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1])) return false;
  return digits(t, from + 11, 2) <= 23 && digits(t, from + 14, 2) <= 59 && digits(t, from + 17, 2) <= 59;
}

/** The number that `width` digits at `at` spell. */
function digits(t: FieldText, at: number, width: number): number {
  let v = 0;
  for (let k = 0; k < width; k++) v = v * 10 + codeAt(t, at + k) - 0x30;
  return v;
}

/**
 * True when the NATS subject is `<type>.<key>` or ends in `.<type>.<key>`, compared code
 * unit by code unit (the key is key[keyFrom, keyTo)). decodeEvent also accepts the key
 * in another letter case (decode.ts subjectNames); the fast decoders leave that to it.
 */
export function subjectEndsIn(natsSubject: string, type: FieldText, key: FieldText, keyFrom = 0, keyTo = key.length): boolean {
  const keyLength = keyTo - keyFrom;
  const from = natsSubject.length - (type.length + 1 + keyLength);
  if (from < 0 || (from > 0 && natsSubject.charCodeAt(from - 1) !== 0x2e)) return false;
  for (let i = 0; i < type.length; i++) if (natsSubject.charCodeAt(from + i) !== codeAt(type, i)) return false;
  if (natsSubject.charCodeAt(from + type.length) !== 0x2e) return false;
  const at = from + type.length + 1;
  for (let i = 0; i < keyLength; i++) if (natsSubject.charCodeAt(at + i) !== codeAt(key, keyFrom + i)) return false;
  return true;
}
