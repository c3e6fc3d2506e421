import { z } from 'zod';

/**
 * A CloudEvents 1.0 document in structured mode, as it travels on the streams.
 * `time` is normalised to millisecond precision on the way in, so that a value
 * folded from the stream equals the value stored in PostgreSQL and in JS.
 */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  data: TData;
}

const isoTime = z
  .string()
  .max(64)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date-time with a time zone',
  })
  .transform((s) => new Date(s).toISOString());

export const cloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200),
  subject: z.string().max(500).optional(),
  time: isoTime.optional(),
  datacontenttype: z.string().max(200).optional(),
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
