import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent } from '@calm/contracts';
import { Database, Sql, sql } from '@calm/pg';
import { backoffDelay, sleep } from '@calm/config';
import { NatsClient } from '@calm/jetstream';
import { PublishResult } from './outgoing-message';
import { PubAckCollector } from './pub-ack-collector';
import { isDuplicateIdCollision } from './duplicate-ack';
import { TraceCarrier, activeTraceCarrier } from '@calm/tracing';
import { tracedMessages } from './traced-publish';

export interface OutgoingEvent {
  subject: string;
  event: CloudEvent;
  /** The trace this event continues; by default the active span's (none with tracing off). */
  trace?: TraceCarrier;
}

/**
 * What a write of an event id already in the outbox does: `keep` leaves the row as it is
 * (invariant: one event id, one outbox row); `requeue` marks it unpublished again, with the
 * trace context it was written with (outbox-requeue.ts).
 */
const ON_CONFLICT = { keep: sql.trusted('DO NOTHING'), requeue: sql.trusted('DO UPDATE SET published_at = NULL') };

/**
 * The outbox write as one statement of quoted literals, to run inside the caller's
 * transaction (alone, or with other statements in one round trip), so the state change
 * and its events commit or vanish together. One row per event id: a second write of
 * the same derived id is a no-op (invariant: one event id, one outbox row).
 */
export function enqueueEventsSql(events: OutgoingEvent[], conflict: keyof typeof ON_CONFLICT = 'keep'): Sql {
  const onConflict = ON_CONFLICT[conflict];
  const columns = [
    sql.array(
      events.map((e) => e.event.id),
      'text',
    ),
    sql.array(
      events.map((e) => e.subject),
      'text',
    ),
    sql.array(
      events.map((e) => JSON.stringify(e.event)),
      'jsonb',
    ),
  ];
  // The trace context columns only when there is one (never with tracing off).
  const active = activeTraceCarrier();
  if (!active && !events.some((e) => e.trace)) {
    return sql`INSERT INTO outbox (event_id, subject, payload) SELECT * FROM unnest(${sql.join(columns)}) ON CONFLICT (event_id) ${onConflict}`;
  }
  const traces = events.map((e) => e.trace ?? active);
  const traceColumns = [
    sql.array(
      traces.map((t) => t?.traceparent ?? null),
      'text',
    ),
    sql.array(
      traces.map((t) => t?.tracestate ?? null),
      'text',
    ),
  ];
  return sql`INSERT INTO outbox (event_id, subject, payload, traceparent, tracestate)
     SELECT * FROM unnest(${sql.join([...columns, ...traceColumns])}) ON CONFLICT (event_id) ${onConflict}`;
}

/** The same write through a TypeORM transaction (the customer service's path). */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (events.length) await manager.query(enqueueEventsSql(events).text);
}

/** Rows per relay batch, published together with their PubAcks awaited as one window. */
export const OUTBOX_RELAY_BATCH = 500;

/**
 * The relay's claim: the oldest unpublished rows, locked so that other relays skip them.
 *
 * Every published row leaves a stale entry in the partial index outbox_unpublished_idx
 * (its old version matched `published_at IS NULL`) until VACUUM removes it. A bitmap
 * scan, which the planner prefers with the small row estimates a queue table has, visits
 * every one of those entries and their heap pages on EVERY claim: after the bench's
 * 70,000 POSTs a claim took 12 to 19 ms instead of 0.5 ms, and the events phase ran
 * about a third slower than alone. A plain index scan marks the entries of dead rows
 * (LP_DEAD) the first time it passes them and skips them afterwards (under 1 ms on the
 * same table), so the claim's transaction turns bitmap scans off for itself (SET LOCAL:
 * nothing else on the pooled connection is affected).
 */
export const OUTBOX_CLAIM = {
  planner: 'SET LOCAL enable_bitmapscan = off',
  /** $1: how many; $2: ids to leave out this time (bigint[], the relay's deferred rows). */
  select: `SELECT id, event_id, subject, payload, traceparent, tracestate FROM outbox
         WHERE published_at IS NULL AND id <> ALL($2::bigint[]) ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
};

/** Marks rows published with where the stream stored each: $1 ids, $2 streams, $3 sequences. */
const MARK_PUBLISHED = `UPDATE outbox SET published_at = now(), stream = u.stream, stream_seq = u.seq
   FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS u(id, stream, seq) WHERE outbox.id = u.id`;

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How often to look for rows even when nobody woke the relay (other instances, crashes). */
  pollMs?: number;
  /** The streams' Nats-Msg-Id dedupe window: a row whose id collided is retried after it (default 2 min). */
  duplicateWindowMs?: number;
  /** Told of every row whose Nats-Msg-Id collided with a stored message that is not its own (metrics). */
  onCollision?: (count: number) => void;
}

/**
 * Publishes outbox rows to JetStream with Nats-Msg-Id = event id, then marks them.
 * It selects unpublished rows with FOR UPDATE SKIP LOCKED instead of following an id
 * high-water mark, so a row whose transaction committed late is never skipped, and
 * several instances share the work without publishing a row at the same time.
 * A crash between publish and mark publishes the rows again: consumers' inboxes
 * (and JetStream's dedupe window) absorb the copy.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly batchSize: number;
  private readonly pollMs: number;
  private wakeUp?: () => void;
  private pending = false;
  private running?: Promise<void>;
  private stopping = false;
  private readonly acks = new PubAckCollector();
  /** Rows whose id collided, by outbox id: not selected again before this time (ms). */
  private readonly deferred = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly nats: NatsClient,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? OUTBOX_RELAY_BATCH;
    this.pollMs = options.pollMs ?? 1000;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Called after a transaction that wrote to the outbox has committed. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    await Promise.all([this.db.ready, this.nats.ready]).catch(() => undefined);
    let failures = 0;
    while (!this.stopping) {
      try {
        this.pending = false;
        const published = await this.publishBatch();
        failures = 0;
        if (published === this.batchSize || this.pending) continue;
        await this.idle(this.pollMs);
      } catch (err) {
        const delay = backoffDelay(failures++, 100, 5000);
        this.logger.warn(`outbox relay: ${(err as Error).message}; retrying in ${delay} ms`);
        await this.idle(delay);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.pending || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this; // eslint-disable-line @typescript-eslint/no-this-alias
      function done() {
        clearTimeout(t);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Publishes one batch; returns how many rows it marked published. */
  async publishBatch(): Promise<number> {
    const now = Date.now();
    for (const [id, until] of this.deferred) if (until <= now) this.deferred.delete(id);
    return this.db.transaction(async (m) => {
      await m.query(OUTBOX_CLAIM.planner);
      const rows: ({ id: string; event_id: string; subject: string; payload: CloudEvent } & TraceCarrier)[] = await m.query(OUTBOX_CLAIM.select, [
        this.batchSize,
        [...this.deferred.keys()],
      ]);
      if (rows.length === 0) return 0;
      const traced = tracedMessages(rows, (subject) => this.nats.streamOf(subject));
      const results = await this.acks.publishAll(this.nats.nc, traced.messages, 10_000);
      traced.end(results);
      const done = rows.flatMap((row, i) => {
        const ack = results[i];
        return ack instanceof Error ? [] : [{ row, ack }];
      });
      // The PubAck's stream and sequence: what the audit later checks the stream against.
      if (done.length) await m.query(MARK_PUBLISHED, [done.map((d) => d.row.id), done.map((d) => d.ack.stream), done.map((d) => d.ack.seq)]);
      this.deferCollisions(rows, results);
      const failed = results.find((r): r is Error => r instanceof Error && !isDuplicateIdCollision(r));
      if (failed) throw new Error(`published ${done.length}/${rows.length}; first failure: ${failed.message}`);
      return done.length;
    });
  }

  /**
   * A collision is an alert, not an outage: the row stays unpublished, is logged at error
   * and counted, and waits out the dedupe window (while the impostor is still in it, every
   * attempt would collide again) without slowing the rows behind it.
   */
  private deferCollisions(rows: { id: string; event_id: string }[], results: PublishResult[]): void {
    const until = Date.now() + (this.options.duplicateWindowMs ?? 120_000);
    let count = 0;
    results.forEach((r, i) => {
      if (!isDuplicateIdCollision(r)) return;
      count++;
      this.deferred.set(rows[i].id, until);
      this.logger.error(`outbox row ${rows[i].id}: ${r.message}; retrying after the dedupe window`);
    });
    if (count) this.options.onCollision?.(count);
  }

  /** Publishes everything still unpublished (bounded), then stops the loop. */
  async flush(deadlineMs = 5000): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running?.catch(() => undefined);
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline && this.db.isConnected && this.nats.isConnected) {
      const n = await this.publishBatch().catch(() => -1);
      if (n === 0) return;
      if (n < 0) await sleep(100);
    }
  }
}
