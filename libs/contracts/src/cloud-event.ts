import { z } from 'zod';
import { FIELD_LENGTHS } from './field-checks';
import { instant, optionalText, text } from './fields';

/**
 * A CloudEvents 1.0 document in structured mode, as it travels on the streams.
 * `time` is normalised to millisecond precision on the way in (fields.ts `instant`), so
 * that a value folded from the stream equals the value stored in PostgreSQL and in JS.
 */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  /** CloudEvents distributed-tracing extension: the W3C trace context of the write that published it. */
  traceparent?: string;
  tracestate?: string;
  data: TData;
}

/** A W3C traceparent: version, trace id, parent span id, flags (lower-case hex). */
export const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const cloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: text(...FIELD_LENGTHS.id),
  source: text(...FIELD_LENGTHS.source),
  type: text(...FIELD_LENGTHS.type),
  subject: optionalText(FIELD_LENGTHS.subject[1]),
  time: instant.optional(),
  datacontenttype: optionalText(FIELD_LENGTHS.datacontenttype[1]),
  // The distributed-tracing extension attributes: kept, so a consumer can continue the trace.
  traceparent: z.string().regex(TRACEPARENT).optional().meta({ description: 'CloudEvents distributed-tracing extension: W3C traceparent' }),
  tracestate: optionalText(FIELD_LENGTHS.tracestate[1]).meta({ description: 'CloudEvents distributed-tracing extension: W3C tracestate' }),
  data: z.unknown(),
});

export type Envelope = z.infer<typeof cloudEventEnvelope>;

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses bytes into a CloudEvent envelope; never throws. */
export function decodeEnvelope(bytes: Uint8Array): DecodeResult<Envelope> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return { ok: false, reason: `payload is not UTF-8 JSON: ${(err as Error).message}` };
  }
  const parsed = cloudEventEnvelope.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `not a CloudEvents 1.0 envelope: ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function encodeEvent(event: CloudEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}
