import { DecodeResult, decodeEnvelope, describeIssues } from './cloud-event';
import { KnownEvent, eventSchemas, isEventType } from './events';
import { subjectEndsIn } from './field-checks';

/**
 * Full check of one message: envelope, known type, data schema, and agreement
 * between the NATS subject, the CloudEvents subject and the entity key in `data`.
 * A failure here is permanent: retrying the same bytes can never succeed. The value is
 * canonical (fields.ts): ids lower-case, currency upper-case, times millisecond UTC; the
 * subjects are compared with the key in any letter case and the CloudEvents subject
 * comes out as the canonical key.
 */
export function decodeEvent(bytes: Uint8Array, natsSubject: string): DecodeResult<KnownEvent> {
  const envelope = decodeEnvelope(bytes);
  if (!envelope.ok) return envelope;
  const event = envelope.value;
  if (!isEventType(event.type)) return { ok: false, reason: `unknown event type "${event.type.slice(0, 100)}"` };
  const schema = eventSchemas[event.type];
  const data = schema.data.safeParse(event.data);
  if (!data.success) return { ok: false, reason: `invalid ${event.type} data: ${describeIssues(data.error)}` };
  if (schema.needsTime && event.time === undefined) return { ok: false, reason: `${event.type} without "time"` };
  const key = (data.data as Record<string, string>)[schema.subjectKey];
  if (!subjectNames(natsSubject, event.type, key)) {
    return { ok: false, reason: `NATS subject "${natsSubject.slice(0, 200)}" does not match data.${schema.subjectKey} ${key}` };
  }
  if (event.subject !== undefined && event.subject.toLowerCase() !== key) {
    return { ok: false, reason: `CloudEvents subject "${event.subject.slice(0, 100)}" does not match data.${schema.subjectKey} ${key}` };
  }
  const value = event.subject === undefined ? { ...event, data: data.data } : { ...event, subject: key, data: data.data };
  return { ok: true, value: value as KnownEvent };
}

/** True when the NATS subject ends in `<type>.<key>`, the key in any letter case (`key` is canonical). */
export function subjectNames(natsSubject: string, type: string, key: string): boolean {
  return subjectEndsIn(natsSubject, type, key) || subjectEndsIn(natsSubject.toLowerCase(), type, key);
}
