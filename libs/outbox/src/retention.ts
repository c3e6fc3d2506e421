import { Logger } from '@nestjs/common';
import { Database } from '@calm/pg';
import { backoffDelay, sleep } from '@calm/config';

export interface RetentionOptions {
  /** Published outbox rows older than this are deleted (unpublished rows never are). */
  outboxMs?: number;
  /** Inbox rows (consumed event ids) older than this are deleted; undefined: no inbox here. */
  inboxMs?: number;
  /** Dead letters older than this are deleted; undefined: no dead letters here. */
  deadLetterMs?: number;
  /** How often to sweep (default 60 s). */
  everyMs?: number;
  /** Rows per DELETE: short transactions that never hold many locks (default 5000). */
  chunk?: number;
  /** Told how many rows each sweep deleted, by table (metrics). */
  onDeleted?: (table: string, count: number) => void;
  /** Told of dead letters deleted before anyone retried them (metrics). */
  onExpiredOpenLetters?: (count: number) => void;
}

/** At most this many chunks per table per sweep: a huge backlog is worked off over several sweeps. */
const MAX_CHUNKS = 50;

/**
 * Keeps the messaging tables to a horizon, on its own timer: unlike the relay's old
 * idle-time purge, sustained load cannot postpone it. Each delete is non-monotone (a
 * fact leaves storage); why each is safe is said at its statement.
 */
export class RetentionSweeper {
  private readonly logger = new Logger('Retention');
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly options: RetentionOptions,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    await this.db.ready.catch(() => undefined);
    for (let failures = 0; !this.abort.signal.aborted;) {
      try {
        await this.sweep();
        failures = 0;
        await sleep(this.options.everyMs ?? 60_000, this.abort.signal);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        const delay = backoffDelay(failures++, 1000, this.options.everyMs ?? 60_000);
        this.logger.warn(`retention sweep failed (${(err as Error).message}); again in ${delay} ms`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** One pass over every table this service has; returns the rows deleted per table. */
  async sweep(): Promise<Record<string, number>> {
    const o = this.options;
    const deleted: Record<string, number> = {};
    if (o.outboxMs !== undefined) {
      // Only rows the stream acknowledged (published_at is set after the PubAck), kept
      // as long as a broker's loss may go unnoticed: the outbox audit re-drives from them
      // (outbox-audit.ts), and so does `outbox republish`. An unpublished row is never deleted.
      deleted.outbox = await this.chunked(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at < now() - make_interval(secs => $1) LIMIT $2)`,
        o.outboxMs,
      );
    }
    if (o.inboxMs !== undefined) {
      // The inbox only saves work: a redelivery older than the horizon finds no row and
      // applies again, and that is idempotent (the replica keeps the min time, the join
      // changes nothing already valid, outbox ids are derived): docs/security.md.
      deleted.inbox = await this.chunked(
        `DELETE FROM inbox WHERE event_id IN (SELECT event_id FROM inbox WHERE received_at < now() - make_interval(secs => $1) LIMIT $2)`,
        o.inboxMs,
      );
    }
    if (o.deadLetterMs !== undefined) {
      // The message itself stays in its stream at stream_seq (the streams keep everything):
      // an expired letter can still be found there, and replay verify names it as skipped.
      let open = 0;
      deleted.dead_letter = await this.chunked(
        `DELETE FROM dead_letter WHERE id IN (SELECT id FROM dead_letter WHERE failed_at < now() - make_interval(secs => $1) LIMIT $2)
         RETURNING id, stream, stream_seq, retried_at IS NULL AS open`,
        o.deadLetterMs,
        (rows: { id: string; stream: string; stream_seq: string; open: boolean }[]) => {
          for (const r of rows.filter((x) => x.open)) {
            open++;
            this.logger.warn(`dead letter #${r.id} expired unretried; the message is still ${r.stream} seq ${r.stream_seq}`);
          }
        },
      );
      if (open) o.onExpiredOpenLetters?.(open);
    }
    for (const [table, n] of Object.entries(deleted)) if (n) o.onDeleted?.(table, n);
    return deleted;
  }

  private async chunked(sql: string, horizonMs: number, seen?: (rows: any[]) => void): Promise<number> {
    const chunk = this.options.chunk ?? 5000;
    let total = 0;
    for (let i = 0; i < MAX_CHUNKS && !this.abort.signal.aborted; i++) {
      const [rows, count]: [unknown[], number] = await this.db.manager().query(sql, [horizonMs / 1000, chunk]);
      seen?.(rows);
      total += count;
      if (count < chunk) break;
    }
    return total;
  }
}
