import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent } from '@calm/contracts';
import { Database, backoffDelay, sleep } from '@calm/platform';
import { sqlArray } from './sql-literal';
import { NatsClient } from './nats-client';
import { PubAckCollector } from './pub-ack-collector';

export interface OutgoingEvent {
  subject: string;
  event: CloudEvent;
}

/**
 * Writes events to the outbox inside the caller's transaction, so the state change
 * and its events commit or vanish together. One row per event id: a second write of
 * the same derived id is a no-op (invariant: one event id, one outbox row).
 */
export async function enqueueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO outbox (event_id, subject, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (event_id) DO NOTHING`,
    [events.map((e) => e.event.id), events.map((e) => e.subject), events.map((e) => JSON.stringify(e.event))],
  );
}

/** The same write as one SQL statement with quoted literals, for one-round-trip callers (same invariant). */
export function enqueueEventsSql(events: OutgoingEvent[]): string {
  return `INSERT INTO outbox (event_id, subject, payload)
     SELECT * FROM unnest(${sqlArray(events.map((e) => e.event.id), 'text')}, ${sqlArray(events.map((e) => e.subject), 'text')}, ${sqlArray(events.map((e) => JSON.stringify(e.event)), 'jsonb')})
     ON CONFLICT (event_id) DO NOTHING`;
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
  select: `SELECT id, event_id, subject, payload FROM outbox
         WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
};

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How often to look for rows even when nobody woke the relay (other instances, crashes). */
  pollMs?: number;
  /** Published rows are kept this long so a broker that lost its tail can be repaired. */
  retentionMs?: number;
  /** Test seam for fault injection: runs after publishing, before the rows are marked. */
  afterPublish?: (eventIds: string[]) => Promise<void>;
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
  private readonly retentionMs: number;
  private wakeUp?: () => void;
  private pending = false;
  private running?: Promise<void>;
  private stopping = false;
  private lastPurge = 0;
  private readonly acks = new PubAckCollector();

  constructor(
    private readonly db: Database,
    private readonly nats: NatsClient,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? OUTBOX_RELAY_BATCH;
    this.pollMs = options.pollMs ?? 1000;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
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
        await this.purgeIfDue();
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
    return this.db.transaction(async (m) => {
      await m.query(OUTBOX_CLAIM.planner);
      const rows: { id: string; event_id: string; subject: string; payload: unknown }[] = await m.query(OUTBOX_CLAIM.select, [this.batchSize]);
      if (rows.length === 0) return 0;
      const results = await this.acks.publishAll(
        this.nats.nc,
        rows.map((r) => ({ subject: r.subject, data: JSON.stringify(r.payload), msgID: r.event_id })),
        10_000,
      );
      const done = rows.filter((_, i) => results[i] === true);
      await this.options.afterPublish?.(done.map((r) => r.event_id));
      if (done.length) await m.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [done.map((r) => r.id)]);
      const failed = results.find((r): r is Error => r !== true);
      if (failed) throw new Error(`published ${done.length}/${rows.length}; first failure: ${failed.message}`);
      return done.length;
    });
  }

  private async purgeIfDue(): Promise<void> {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    // Only rows already published and older than the retention window: never an unpublished one.
    await this.db.manager().query(`DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)`, [this.retentionMs / 1000]);
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
