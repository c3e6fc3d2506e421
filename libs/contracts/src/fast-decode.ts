import { DecodeResult, TRACEPARENT } from './cloud-event';
import { decodeEvent } from './decode';
import { KnownEvent, eventSchemas, isEventType } from './events';
import { FIELD_LENGTHS, canonicalCurrencyIn, canonicalTimeIn, isCanonicalUuid, subjectEndsIn } from './field-checks';

/**
 * decodeEvent with a fast path for the common, canonical shape. Replay and the consumer decode every
 * event of the history, and the zod envelope schema costs ~15 us an event (most of the
 * time of a rebuild). The fast path checks the envelope by hand, accepting only a
 * SUBSET of what the envelope schema accepts (values already canonical: lower-case ids, upper-case currency,
 * millisecond ISO times with Z, text without NUL or surrogates, so every field's
 * normalisation is the identity: field-checks.ts, the checks the fact scanner shares), checks data the same way
 * (falling back to the data schema), then makes decodeEvent's subject checks. Anything else, every failure included, goes to
 * decodeEvent itself, so reasons are identical. fast-decode.spec.ts checks the two agree.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text without NUL or any surrogate: its length in UTF-16 units IS its length in code
 * points, and it is storable. Other text (astral characters included) takes the slow path.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const PLAIN = /[\u0000\ud800-\udfff]/;
/** Text of FIELD_LENGTHS[field] code points: plain text, whose length in UTF-16 units is its length in code points. */
const len = (v: unknown, [min, max]: readonly [number, number]) => typeof v === 'string' && v.length >= min && v.length <= max && !PLAIN.test(v);
const optionalString = (v: unknown, field: keyof typeof FIELD_LENGTHS) => v === undefined || len(v, FIELD_LENGTHS[field]);
const requiredString = (v: unknown, field: keyof typeof FIELD_LENGTHS) => len(v, FIELD_LENGTHS[field]);

/** An absent time, or canonicalTimeIn (field-checks.ts) of a string. */
export function canonicalTime(v: unknown): boolean {
  return v === undefined || (typeof v === 'string' && canonicalTimeIn(v, 0, v.length));
}

/**
 * The data schemas' checks by hand, for values the schemas would pass through unchanged
 * (passthrough objects; canonical times, which their transform leaves as they are).
 * Returns undefined when unsure: the caller then runs the zod schema.
 */
function fastData(type: string, data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  const time = (v: unknown) => v !== undefined && canonicalTime(v);
  const ok =
    type === 'customer.created'
      ? isCanonicalUuid(d.customerId) && requiredString(d.name, 'name') && requiredString(d.email, 'email')
      : type === 'account.opened'
        ? isCanonicalUuid(d.accountId) &&
          isCanonicalUuid(d.customerId) &&
          typeof d.currency === 'string' &&
          canonicalCurrencyIn(d.currency, 0, d.currency.length) &&
          time(d.openedAt)
        : type === 'account.validated' && isCanonicalUuid(d.accountId) && isCanonicalUuid(d.customerId) && time(d.validatedAt);
  return ok ? { ...d } : undefined;
}

export function fastDecodeEvent(bytes: Uint8Array, natsSubject: string): DecodeResult<KnownEvent> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(utf8.decode(bytes));
  } catch {
    return decodeEvent(bytes, natsSubject);
  }
  if (
    typeof raw !== 'object' ||
    raw === null ||
    Array.isArray(raw) ||
    raw.specversion !== '1.0' ||
    !requiredString(raw.id, 'id') ||
    !requiredString(raw.source, 'source') ||
    !requiredString(raw.type, 'type') ||
    !optionalString(raw.subject, 'subject') ||
    !optionalString(raw.datacontenttype, 'datacontenttype') ||
    !(raw.traceparent === undefined || (typeof raw.traceparent === 'string' && TRACEPARENT.test(raw.traceparent))) ||
    !optionalString(raw.tracestate, 'tracestate') ||
    !canonicalTime(raw.time)
  ) {
    return decodeEvent(bytes, natsSubject);
  }
  const type = raw.type as string;
  if (!isEventType(type)) return decodeEvent(bytes, natsSubject);
  const schema = eventSchemas[type];
  const data = fastData(type, raw.data) ?? schema.data.safeParse(raw.data).data;
  if (data === undefined || (schema.needsTime && raw.time === undefined)) return decodeEvent(bytes, natsSubject);
  const key = (data as Record<string, string>)[schema.subjectKey];
  if (!subjectEndsIn(natsSubject, type, key) || (raw.subject !== undefined && raw.subject !== key)) {
    return decodeEvent(bytes, natsSubject);
  }
  const event: Record<string, unknown> = { specversion: '1.0', id: raw.id, source: raw.source, type };
  for (const k of ['subject', 'time', 'datacontenttype', 'traceparent', 'tracestate'] as const) if (raw[k] !== undefined) event[k] = raw[k];
  event.data = data;
  return { ok: true, value: event as unknown as KnownEvent };
}
