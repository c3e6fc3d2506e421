import { isAscii } from 'node:buffer';
import { FIELD_LENGTHS, canonicalCurrencyIn, canonicalTimeIn, canonicalUuidIn, subjectEndsIn } from '@calm/contracts';
import type { AccountFact } from '@calm/folds';
import type { AccountsHistory } from './accounts-history';

/**
 * The fact of one message, read straight off its bytes without building the CloudEvent
 * (the UTF-8 decode, JSON.parse, the envelope checks and the event object took a third
 * of a rebuild's reading time). Only a SUBSET of what decodeEvent accepts is read here:
 * one JSON object of string fields in any key order, printable ASCII only, without
 * whitespace, escapes or a duplicate or unknown key, `data` an object of exactly its
 * type's fields, every value already canonical (lower-case uuids, upper-case currency,
 * millisecond instants with Z), so each string is its value, its length its code points,
 * and each field's normalisation the identity. Then the checks decodeEvent makes (the
 * limits and canonical shapes of @calm/contracts field-checks.ts, which fastDecodeEvent
 * reads too): lengths, the time a customer.created needs, the subjects against the key.
 * Anything else (other text, any failure, other event types) answers false: the
 * caller then decodes the message in full, which gives the value or the reason.
 * fact-scanner.spec.ts checks that every fact read here is factOf (@calm/folds) of what decodeEvent gives.
 *
 * `takeAccountsFact` hands the fact to the history as the bytes it found (no string per
 * uuid or time: a fifth of the reading time); `scanAccountsFact` gives it as strings.
 */
export function takeAccountsFact(bytes: Uint8Array, natsSubject: string, history: AccountsHistory): boolean {
  const type = scan(bytes, natsSubject);
  if (type === OPENED) history.addOpenedBytes(bytes, starts[ACCOUNT_ID], starts[CUSTOMER_ID], starts[CURRENCY], starts[OPENED_AT]);
  else if (type === CREATED) history.addCustomerBytes('created', bytes, starts[CUSTOMER_ID], starts[TIME]);
  else if (type === SEALED) history.addCustomerBytes('sealed', bytes, starts[CUSTOMER_ID], starts[SEALED_AT]);
  else return false;
  return true;
}

/** The event id of the message takeAccountsFact took last (pass its bytes): the scan's slots still hold its place. */
export function takenEventId(bytes: Uint8Array): string {
  return text(bytes, ID);
}

export function scanAccountsFact(bytes: Uint8Array, natsSubject: string): AccountFact | undefined {
  const type = scan(bytes, natsSubject);
  if (type === null) return undefined;
  const customerId = text(bytes, CUSTOMER_ID);
  if (type === OPENED)
    return {
      type: 'account.opened',
      data: { accountId: text(bytes, ACCOUNT_ID), customerId, currency: text(bytes, CURRENCY), openedAt: text(bytes, OPENED_AT) },
    };
  if (type === CREATED) return { type: 'customer.created', data: { customerId, createdAt: text(bytes, TIME) } };
  if (type === SEALED) return { type: 'customer.sealed', data: { customerId, sealedAt: text(bytes, SEALED_AT) } };
  return undefined;
}

/** The type of the fact the message holds, its fields' places in `starts` and `ends`; null when not read here. */
function scan(bytes: Uint8Array, natsSubject: string): Uint8Array | null {
  seen = 0;
  if (!isAscii(bytes) || scanObject(bytes, 0, ENVELOPE_KEYS) !== bytes.length) return null;
  if (!has(SPECVERSION) || !equals(bytes, SPECVERSION, SPEC_1_0) || !has(DATA)) return null;
  if (!within(ID, FIELD_LENGTHS.id) || !within(SOURCE, FIELD_LENGTHS.source) || !within(SUBJECT, FIELD_LENGTHS.subject)) return null;
  if (!within(CONTENT_TYPE, FIELD_LENGTHS.datacontenttype)) return null;
  if (!plain(bytes, ID) || !plain(bytes, SOURCE) || !plain(bytes, CONTENT_TYPE)) return null;
  if (has(TIME) && !canonicalTimeAt(bytes, TIME)) return null;
  const type = factType(bytes);
  if (!type) return null;
  const key = type === OPENED ? ACCOUNT_ID : CUSTOMER_ID;
  if (!subjectEndsIn(natsSubject, type, bytes, starts[key], ends[key])) return null;
  if (has(SUBJECT) && !equals(bytes, SUBJECT, key)) return null;
  return type;
}

/** The type of the event, when its data holds exactly that type's fields, canonical. */
function factType(bytes: Uint8Array): Uint8Array | null {
  const data = seen & DATA_FIELDS;
  if (equals(bytes, TYPE, OPENED)) {
    if (data !== (bit(ACCOUNT_ID) | bit(CUSTOMER_ID) | bit(CURRENCY) | bit(OPENED_AT)) || !uuid(bytes, ACCOUNT_ID) || !uuid(bytes, CUSTOMER_ID)) return null;
    return currency(bytes) && canonicalTimeAt(bytes, OPENED_AT) ? OPENED : null;
  }
  if (equals(bytes, TYPE, CREATED)) {
    // A creation needs its event's time (decodeEvent: "customer.created without time").
    if (data !== (bit(CUSTOMER_ID) | bit(NAME) | bit(EMAIL)) || !uuid(bytes, CUSTOMER_ID) || !has(TIME)) return null;
    return within(NAME, FIELD_LENGTHS.name) && within(EMAIL, FIELD_LENGTHS.email) && plain(bytes, NAME) && plain(bytes, EMAIL) ? CREATED : null;
  }
  if (equals(bytes, TYPE, SEALED)) {
    if (data !== (bit(CUSTOMER_ID) | bit(SEALED_AT)) || !uuid(bytes, CUSTOMER_ID)) return null;
    return canonicalTimeAt(bytes, SEALED_AT) ? SEALED : null;
  }
  return null;
}

// Fields by number: where each value starts and ends in the bytes, and which were seen
// (a bit each). One scan at a time (it is synchronous), so one set of slots serves all.
const [SPECVERSION, ID, SOURCE, TYPE, SUBJECT, TIME, CONTENT_TYPE, DATA] = [0, 1, 2, 3, 4, 5, 6, 7];
const [ACCOUNT_ID, CUSTOMER_ID, CURRENCY, OPENED_AT, SEALED_AT, NAME, EMAIL] = [8, 9, 10, 11, 12, 13, 14];
const bit = (field: number) => 1 << field;
/**
 * The length of each field whose canonical value has one (uuids, instants, "1.0", the
 * currency); 0: any. Every such field is checked by content wherever a fact is read
 * (uuid, canonicalTimeAt, currency, equals), or its presence refuses the message.
 */
const FIXED_LENGTH = new Int32Array(15);
for (const f of [SUBJECT, ACCOUNT_ID, CUSTOMER_ID]) FIXED_LENGTH[f] = 36;
for (const f of [TIME, OPENED_AT, SEALED_AT]) FIXED_LENGTH[f] = 24;
FIXED_LENGTH[SPECVERSION] = 3;
FIXED_LENGTH[CURRENCY] = 3;
const DATA_FIELDS = 0x7f << ACCOUNT_ID;
const starts = new Int32Array(15);
const ends = new Int32Array(15);
let seen = 0;
const has = (field: number) => (seen & bit(field)) !== 0;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const keys = (names: [string, number][]) => names.map(([name, field]) => ({ name: ascii(name), field }));
const ENVELOPE_KEYS = keys([
  ['specversion', SPECVERSION],
  ['id', ID],
  ['source', SOURCE],
  ['type', TYPE],
  ['subject', SUBJECT],
  ['time', TIME],
  ['datacontenttype', CONTENT_TYPE],
  ['data', DATA],
]);
const DATA_KEYS = keys([
  ['accountId', ACCOUNT_ID],
  ['customerId', CUSTOMER_ID],
  ['currency', CURRENCY],
  ['openedAt', OPENED_AT],
  ['sealedAt', SEALED_AT],
  ['name', NAME],
  ['email', EMAIL],
]);
const SPEC_1_0 = ascii('1.0');
const OPENED = ascii('account.opened');
const CREATED = ascii('customer.created');
const SEALED = ascii('customer.sealed');

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/**
 * Reads `{"key":"value",...}` at `at`, each key one of `known` and seen once, each value a
 * string, except `data` (an object of DATA_KEYS) in the envelope. Returns the position
 * after the object, or -1 when the bytes are not of that shape.
 */
function scanObject(bytes: Uint8Array, at: number, known: typeof ENVELOPE_KEYS): number {
  if (bytes[at] !== OPEN) return -1;
  let p = at + 1;
  if (bytes[p] === CLOSE) return p + 1;
  for (;;) {
    const keyEnd = stringEnd(bytes, p);
    if (keyEnd < 0 || bytes[keyEnd + 1] !== COLON) return -1;
    const field = fieldOf(bytes, p + 1, keyEnd, known);
    if (field < 0 || has(field)) return -1;
    seen |= bit(field);
    p = keyEnd + 2;
    if (field === DATA) {
      p = scanObject(bytes, p, DATA_KEYS);
      if (p < 0) return -1;
    } else {
      const valueEnd = stringEnd(bytes, p, FIXED_LENGTH[field]);
      if (valueEnd < 0) return -1;
      starts[field] = p + 1;
      ends[field] = valueEnd;
      p = valueEnd + 1;
    }
    if (bytes[p] === CLOSE) return p + 1;
    if (bytes[p] !== COMMA) return -1;
    p++;
  }
}

/** The field a key names (-1: not one of `known`). */
function fieldOf(bytes: Uint8Array, from: number, to: number, known: typeof ENVELOPE_KEYS): number {
  next: for (const { name, field } of known) {
    if (name.length !== to - from) continue;
    for (let i = 0; i < name.length; i++) if (bytes[from + i] !== name[i]) continue next;
    return field;
  }
  return -1;
}

/**
 * The position of the closing quote of the string at `at`, or -1 when there is none. The
 * message is ASCII (checked first); a string that may hold an escape or a control
 * character is either checked by content (uuids, times, codes) or by `plain`. A field of
 * one length when canonical (`length` > 0) is not searched: its closing quote must be
 * there, or the field is not canonical (and its content check refuses a quote inside).
 */
function stringEnd(bytes: Uint8Array, at: number, length = 0): number {
  if (bytes[at] !== QUOTE) return -1;
  if (length > 0) return bytes[at + 1 + length] === QUOTE ? at + 1 + length : -1;
  // A loop, not indexOf: strings are short, and the call cost more than the search.
  for (let p = at + 1; p < bytes.length; p++) if (bytes[p] === QUOTE) return p;
  return -1;
}

/** A free-text field holds printable ASCII without a backslash: its bytes are its value. */
function plain(bytes: Uint8Array, field: number): boolean {
  if (!has(field)) return true;
  for (let p = starts[field]; p < ends[field]; p++) {
    const c = bytes[p];
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return false;
  }
  return true;
}

/** A field's value as a string (ASCII: one character per byte). */
function text(bytes: Uint8Array, field: number): string {
  return latin1Slice.call(bytes, starts[field], ends[field]);
}

// Buffer's own latin1 reader, over any Uint8Array (a message's bytes need not be a Buffer).
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/** An absent field counts as length 0 (callers ask `has` where presence matters). */
function within(field: number, [min, max]: readonly [number, number]): boolean {
  const n = has(field) ? ends[field] - starts[field] : 0;
  return n >= min && n <= max && (min === 0 || has(field));
}

/** True when the field's bytes are `other`'s: a byte string, or another field. */
function equals(bytes: Uint8Array, field: number, other: Uint8Array | number): boolean {
  const from = starts[field];
  const n = ends[field] - from;
  if (typeof other === 'number') {
    if (!has(other) || ends[other] - starts[other] !== n) return false;
    for (let i = 0; i < n; i++) if (bytes[from + i] !== bytes[starts[other] + i]) return false;
    return true;
  }
  if (other.length !== n) return false;
  for (let i = 0; i < n; i++) if (bytes[from + i] !== other[i]) return false;
  return true;
}

// The canonical shapes of field-checks.ts, over a field's bytes (no string made of them).
const uuid = (bytes: Uint8Array, field: number) => canonicalUuidIn(bytes, starts[field], ends[field]);
const currency = (bytes: Uint8Array) => canonicalCurrencyIn(bytes, starts[CURRENCY], ends[CURRENCY]);
export const canonicalTimeAt = (bytes: Uint8Array, field: number) => canonicalTimeIn(bytes, starts[field], ends[field]);

/** For the spec: canonicalTimeAt of a whole string, as the one field of a message. */
export function canonicalTimeOfText(s: string): boolean {
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  if ([...s].some((c) => c.charCodeAt(0) > 0x7e)) return false;
  seen = bit(TIME);
  starts[TIME] = 0;
  ends[TIME] = bytes.length;
  return canonicalTimeAt(bytes, TIME);
}
