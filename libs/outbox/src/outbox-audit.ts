import { Logger } from '@nestjs/common';
import { JetStreamManager } from '@nats-io/jetstream';
import { Database } from '@calm/pg';
import { backoffDelay, sleep } from '@calm/config';
import { isStreamNotFound } from '@calm/jetstream';
import { RedrivenRow, redriveSpan } from './redrive-span';

export interface OutboxAuditOptions {
  /** The stream this service's outbox publishes to (its relay's PubAcks name it). */
  stream: string;
  /** How often to compare the outbox with the stream (default 60 s; OUTBOX_AUDIT_SECONDS). */
  everyMs?: number;
  /** Stored messages read at once while looking for the ones the stream lost. */
  concurrency?: number;
  /** Told how many rows each re-drive put back for publishing (calm_outbox_redriven_total). */
  onRedriven?: (count: number) => void;
  /** Told the detected gap: re-driven rows not yet stored again (0 once repaired). */
  onGap?: (count: number) => void;
  /** Called after rows were put back, so the relay publishes them now rather than at its next poll. */
  wakeRelay?: () => void;
}

export interface AuditResult {
  /** Why the stream is known to have lost events; empty when nothing was found. */
  evidence: string[];
  /** Rows put back for publishing. */
  redriven: number;
}

interface Recorded extends RedrivenRow {
  id: string;
  stream_seq: string;
}

/** The highest recorded row at the last clean audit: below it the stream was whole then. */
interface Mark {
  seq: number;
  eventId: string;
  created: string;
  /** Messages removed from inside the stream then: more later means a hole anywhere. */
  deleted: number;
}

const CHUNK = 1000;
/** How far below the highest recorded sequence the start-up audit looks for two events at one sequence. */
const RECENT_SEQS = 100_000;

/**
 * The outbox is the source of truth for what this service published: each published row
 * keeps its PubAck's stream and sequence (outbox.ts). At start and every `everyMs`, this
 * compares those records with what the stream holds. A stream whose last sequence is
 * below the highest recorded one, whose creation time or first sequence moved past what
 * was recorded, whose message at a recorded sequence carries another Nats-Msg-Id, or that
 * stored two of our rows at one sequence (a broker that forgot its tail hands the same
 * sequences out again) has lost acknowledged events. Every retained row the stream no
 * longer holds is then put back in the outbox queue, and the relay publishes it again
 * with the same event id.
 *
 * Point of order: "the stream no longer holds it" is a non-monotone judgement (an
 * absence), made here, per row, by reading the message at the row's recorded sequence.
 * It is made safe by what follows from it: re-publishing carries the same event id, so a
 * wrong judgement (a message stored again a moment ago by another instance's re-drive, a
 * broker that comes back whole) costs one redundant copy that JetStream's dedupe window
 * or the consumers' inboxes absorb, never a changed state. Rows are only judged once they
 * are marked published (their PubAck came), and a row being re-published has no recorded
 * sequence, so it is not judged again until its new PubAck is recorded.
 */
export class OutboxAudit {
  private readonly logger = new Logger('OutboxAudit');
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  private mark?: Mark;
  /** Rows put back and not yet stored again: the gauge's value. */
  private repairing: string[] = [];

  constructor(
    private readonly db: Database,
    private readonly jsm: () => JetStreamManager,
    private readonly options: OutboxAuditOptions,
  ) {}

  start(ready: Promise<unknown>): void {
    this.running ??= this.loop(ready);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(ready: Promise<unknown>): Promise<void> {
    // A service stopped before it ever reached its database and NATS must not wait for them.
    const stopped = new Promise<void>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([ready.catch(() => undefined), stopped]);
    const every = this.options.everyMs ?? 60_000;
    for (let failures = 0; !this.abort.signal.aborted;) {
      try {
        await this.audit();
        failures = 0;
        // While a repair is under way the gauge follows it closely; otherwise one look per period.
        await sleep(this.repairing.length ? Math.min(every, 1000) : every, this.abort.signal);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        const delay = backoffDelay(failures++, 1000, every);
        this.logger.warn(`outbox audit of ${this.options.stream} failed (${(err as Error).message}); again in ${delay} ms`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** One comparison of the outbox with the stream; re-drives what it finds missing. */
  async audit(): Promise<AuditResult> {
    await this.followRepair();
    const { stream } = this.options;
    // The outbox first, the stream second: every sequence recorded by then was stored
    // before the stream's info is read, so a healthy stream is never below it. Read the
    // other way round, a PubAck recorded in between looked like a lost tail.
    const [range]: { lo: string | null; hi: string | null }[] = await this.db
      .manager()
      .query(`SELECT min(stream_seq) AS lo, max(stream_seq) AS hi FROM outbox WHERE stream = $1 AND stream_seq IS NOT NULL AND published_at IS NOT NULL`, [
        stream,
      ]);
    if (range.hi === null) return { evidence: [], redriven: 0 };
    let info;
    try {
      info = await this.jsm().streams.info(stream);
    } catch (err) {
      // The stream is recreated by NatsClient after a reconnect; judge it then.
      if (isStreamNotFound(err)) return { evidence: [], redriven: 0 };
      throw err;
    }
    const created = String(info.created);
    const { first_seq: first, last_seq: last } = info.state;
    const deleted = info.state.num_deleted ?? 0;
    const [lo, hi] = [Number(range.lo), Number(range.hi)];
    const evidence: string[] = [];
    if (this.mark && this.mark.created !== created) evidence.push(`the stream was created again (${this.mark.created} -> ${created})`);
    if (last < hi) evidence.push(`its last sequence ${last} is below the highest recorded ${hi}`);
    if (first > lo) evidence.push(`its first sequence ${first} is above the lowest recorded ${lo}`);
    const holed = this.mark !== undefined && deleted > this.mark.deleted;
    if (holed) evidence.push(`${deleted - this.mark!.deleted} message(s) were removed from inside it`);
    const markHeld = this.mark ? await this.holds(this.mark.seq, this.mark.eventId, last) : false;
    if (this.mark && !markHeld) evidence.push(`seq ${this.mark.seq} no longer holds event ${this.mark.eventId}`);
    // Below an intact mark the stream was whole at the last audit, unless a hole appeared since.
    const since = markHeld && !holed ? this.mark!.seq : 0;
    // A forgotten tail hands out the sequences at the top of the recorded range again: without
    // a mark (at start) the last RECENT_SEQS are enough, and keep this one index range scan short.
    const [twice]: { stream_seq: string }[] = await this.db
      .manager()
      .query(`SELECT stream_seq FROM outbox WHERE stream = $1 AND stream_seq IS NOT NULL AND stream_seq > $2 GROUP BY stream_seq HAVING count(*) > 1 LIMIT 1`, [
        stream,
        Math.max(since, hi - RECENT_SEQS),
      ]);
    if (twice) evidence.push(`two events were acknowledged at seq ${twice.stream_seq}`);
    const [top]: Recorded[] = await this.db
      .manager()
      .query(`SELECT id, event_id, stream_seq FROM outbox WHERE stream = $1 AND stream_seq = $2 ORDER BY id DESC LIMIT 1`, [stream, hi]);
    if (!(await this.holds(hi, top.event_id, last))) evidence.push(`seq ${hi} does not hold event ${top.event_id}`);
    if (evidence.length === 0) {
      this.mark = { seq: hi, eventId: top.event_id, created, deleted };
      return { evidence, redriven: 0 };
    }
    this.logger.error(`${stream} lost events it acknowledged: ${evidence.join('; ')}; re-driving from seq ${since + 1}`);
    const redriven = await this.redrive(since, last);
    this.mark = undefined;
    return { evidence, redriven };
  }

  /** Puts back every retained row above `since` that the stream no longer holds. */
  private async redrive(since: number, last: number): Promise<number> {
    const { stream } = this.options;
    let total = 0;
    for (let after = { seq: since, id: '0' }; ;) {
      const rows: Recorded[] = await this.db.manager().query(
        `SELECT id, event_id, stream_seq, traceparent, tracestate FROM outbox WHERE stream = $1 AND stream_seq IS NOT NULL AND published_at IS NOT NULL AND (stream_seq, id) > ($2, $3::bigint)
         ORDER BY stream_seq, id LIMIT ${CHUNK}`,
        [stream, after.seq, after.id],
      );
      if (rows.length === 0) break;
      const missing = await this.notHeld(rows, last);
      if (missing.length) {
        // Same event id on the next publish; the row forgets its old position until its new PubAck.
        await this.db
          .manager()
          .query(`UPDATE outbox SET published_at = NULL, stream = NULL, stream_seq = NULL WHERE id = ANY($1::bigint[]) AND stream = $2`, [
            missing.map((r) => r.id),
            stream,
          ]);
        redriveSpan(stream, missing);
        this.repairing.push(...missing.map((r) => r.id));
        total += missing.length;
        this.logger.warn(`re-driving ${missing.length} event(s) ${stream} lost, e.g. ${missing[0].event_id} (was seq ${missing[0].stream_seq})`);
      }
      const tail = rows[rows.length - 1];
      after = { seq: Number(tail.stream_seq), id: tail.id };
    }
    if (total) {
      this.options.onRedriven?.(total);
      this.options.onGap?.(this.repairing.length);
      this.options.wakeRelay?.();
    }
    return total;
  }

  private async notHeld(rows: Recorded[], last: number): Promise<Recorded[]> {
    const missing: Recorded[] = [];
    const width = this.options.concurrency ?? 32;
    for (let i = 0; i < rows.length; i += width) {
      const part = rows.slice(i, i + width);
      const held = await Promise.all(part.map((r) => this.holds(Number(r.stream_seq), r.event_id, last)));
      part.forEach((r, j) => held[j] || missing.push(r));
    }
    return missing;
  }

  /** True when the stream's message at `seq` is the event `eventId` (its Nats-Msg-Id). */
  private async holds(seq: number, eventId: string, last: number): Promise<boolean> {
    if (seq > last) return false;
    // null: no message there (deleted, or never written again); any other failure is an outage and throws.
    const stored = await this.jsm().streams.getMessage(this.options.stream, { seq });
    return stored?.header?.get('Nats-Msg-Id') === eventId;
  }

  /** The gap shrinks as the relay stores the re-driven rows again. */
  private async followRepair(): Promise<void> {
    if (this.repairing.length === 0) return;
    const open: { id: string }[] = await this.db
      .manager()
      .query(`SELECT id FROM outbox WHERE id = ANY($1::bigint[]) AND published_at IS NULL`, [this.repairing]);
    this.repairing = open.map((r) => r.id);
    this.options.onGap?.(this.repairing.length);
    if (this.repairing.length === 0) this.logger.log(`${this.options.stream}: every re-driven event is stored again`);
  }
}
