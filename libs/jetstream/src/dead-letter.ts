import type { JsMsg } from '@nats-io/jetstream';
import { Database } from '@calm/pg';

export interface DeadLetter {
  stream: string;
  consumer: string;
  subject: string;
  streamSeq: number;
  payload: Uint8Array;
  headers: Record<string, string[]>;
  reason: string;
  deliveries: number;
  eventId?: string;
  eventType?: string;
}

export interface DeadLetterRow extends Omit<DeadLetter, 'payload'> {
  id: number;
  payload: Buffer;
  failedAt: Date;
  retriedAt: Date | null;
}

/**
 * What a dead letter keeps of a message that is not even an event (undecodable): junk
 * costs its first bytes, not up to 128 KiB for the retention's 90 days. The whole message
 * stays in its stream at its sequence, which the reason names.
 */
export const UNDECODABLE_PAYLOAD_PREFIX_BYTES = 4096;

/**
 * The dead letter of a message a consumer gives up on: its bytes (a bounded prefix when it
 * could not be decoded) and headers as received, the reason, and the event's id and type
 * when it could be decoded.
 */
export function deadLetterOf(
  msg: JsMsg,
  reason: string,
  event: { id: string; type: string } | undefined,
  from: { stream: string; consumer: string },
): DeadLetter {
  const cut = event === undefined && msg.data.length > UNDECODABLE_PAYLOAD_PREFIX_BYTES;
  return {
    stream: from.stream,
    consumer: from.consumer,
    subject: storableText(msg.subject),
    streamSeq: msg.seq,
    payload: cut ? msg.data.subarray(0, UNDECODABLE_PAYLOAD_PREFIX_BYTES) : msg.data,
    headers: headersOf(msg),
    reason: storableText(
      cut
        ? `${reason} (payload kept: its first ${UNDECODABLE_PAYLOAD_PREFIX_BYTES} of ${msg.data.length} bytes; the whole message is ${from.stream} seq ${msg.seq})`
        : reason,
    ),
    deliveries: msg.info.deliveryCount,
    eventId: event && storableText(event.id),
    eventType: event && storableText(event.type),
  };
}

/** PostgreSQL text and jsonb cannot hold U+0000; a hostile event must not make its own dead letter unstorable. */
export function storableText(s: string): string {
  return s.split('\u0000').join('\\u0000');
}

function headersOf(msg: JsMsg): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!msg.headers) return out;
  for (const [k, v] of msg.headers) out[storableText(k)] = v.map(storableText);
  return out;
}

/**
 * Durable dead letters, in the consuming service's own database. A message is only
 * acknowledged (terminated) after its dead letter row has committed, so a message is
 * never dropped: either it applied, or it sits here with its reason.
 */
/** A letter's values in the column order of both INSERTs below (the reason bounded to 2,000 characters). */
const letterValues = (l: DeadLetter): unknown[] => [
  l.stream,
  l.consumer,
  l.subject,
  l.streamSeq,
  Buffer.from(l.payload),
  JSON.stringify(l.headers),
  l.reason.slice(0, 2000),
  l.deliveries,
  l.eventId ?? null,
  l.eventType ?? null,
];

export class DeadLetterStore {
  private hasInbox?: Promise<boolean>;

  constructor(private readonly db: Database) {}

  async record(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const values: unknown[] = [];
    const tuples = letters.map((l, i) => {
      values.push(...letterValues(l));
      const b = i * 10;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10})`;
    });
    await this.db.manager().query(
      `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, headers, reason, deliveries, event_id, event_type)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  /**
   * Records a message that ran out of deliveries, once: unless an open letter for the same
   * message exists (its consumer wrote one and died before terminating it), and once
   * whichever instances race (unique index dead_letter_exhausted_once). True when written.
   */
  async recordExhausted(l: DeadLetter): Promise<boolean> {
    if (l.eventId !== undefined && (await this.applied(l.eventId))) return false;
    const rows: { id: string }[] = await this.db.manager().query(
      `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, headers, reason, deliveries, event_id, event_type)
       SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10
        WHERE NOT EXISTS (SELECT 1 FROM dead_letter WHERE stream = $1 AND consumer = $2 AND stream_seq = $4 AND retried_at IS NULL)
       ON CONFLICT (stream, consumer, stream_seq) WHERE reason = 'max deliveries' DO NOTHING RETURNING id`,
      letterValues(l),
    );
    return rows.length > 0;
  }

  /**
   * The server gives up on a message when its last delivery's ack_wait runs out, even when
   * that delivery's work committed (a batch held through an outage, an ack that came late):
   * an event the inbox holds was applied, and is no dead letter. Point of order: the inbox
   * row, written in the same transaction as the event's effect. A letter written just
   * before that transaction commits stays as a false alarm whose retry the inbox absorbs,
   * never as a lost event. A database without an inbox (the customer service's partner
   * announcements, decided idempotently by the customer table) records every exhausted message.
   */
  private async applied(eventId: string): Promise<boolean> {
    const m = this.db.manager();
    // A table is not named in a query that must also run where it does not exist: asked first, once.
    this.hasInbox ??= m.query(`SELECT to_regclass('inbox') IS NOT NULL AS has`).then((r: { has: boolean }[]) => r[0].has);
    if (!(await this.hasInbox)) return false;
    const rows: unknown[] = await m.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [eventId]);
    return rows.length > 0;
  }

  list(options: { includeRetried?: boolean; limit?: number } = {}): Promise<DeadLetterRow[]> {
    return listDeadLetters(this.db.manager(), options);
  }

  markRetried(ids: number[]): Promise<void> {
    return markDeadLettersRetried(this.db.manager(), ids);
  }
}

/**
 * Anything that runs SQL and answers rows: TypeORM's EntityManager (SELECT), or a thin
 * wrapper over a pg Client (the replay CLI reads dead letters without the service's ORM).
 */
export interface RowQuery {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** Dead letters in id order; `afterId`/`upToId` select a page of a longer walk (dlq retry --all). */
export async function listDeadLetters(
  db: RowQuery,
  options: { includeRetried?: boolean; limit?: number; afterId?: number; upToId?: number } = {},
): Promise<DeadLetterRow[]> {
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT * FROM dead_letter WHERE ($1 OR retried_at IS NULL) AND id > $3 AND id <= $4 ORDER BY id LIMIT $2`,
    [options.includeRetried ?? false, options.limit ?? 1000, options.afterId ?? 0, options.upToId ?? Number.MAX_SAFE_INTEGER],
  );
  return rows.map(toRow);
}

/** The highest dead letter id now (0 when none): where a walk over "every letter" stops. */
export async function lastDeadLetterId(db: RowQuery): Promise<number> {
  const [row]: { id: string | null }[] = await db.query(`SELECT max(id) AS id FROM dead_letter`);
  return Number(row?.id ?? 0);
}

/** The letters with these ids, retried or not (an operator may retry one again). */
export async function findDeadLetters(db: RowQuery, ids: number[]): Promise<DeadLetterRow[]> {
  const rows: Record<string, unknown>[] = await db.query(`SELECT * FROM dead_letter WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
  return rows.map(toRow);
}

export async function markDeadLettersRetried(db: RowQuery, ids: number[]): Promise<void> {
  await db.query(`UPDATE dead_letter SET retried_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

function toRow(r: Record<string, unknown>): DeadLetterRow {
  return {
    id: Number(r.id),
    stream: r.stream as string,
    consumer: r.consumer as string,
    subject: r.subject as string,
    streamSeq: Number(r.stream_seq),
    payload: r.payload as Buffer,
    headers: r.headers as Record<string, string[]>,
    reason: r.reason as string,
    deliveries: Number(r.deliveries),
    eventId: (r.event_id as string) ?? undefined,
    eventType: (r.event_type as string) ?? undefined,
    failedAt: r.failed_at as Date,
    retriedAt: (r.retried_at as Date) ?? null,
  };
}
