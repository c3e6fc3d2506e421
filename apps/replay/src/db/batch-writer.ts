/**
 * The fold streams into the scratch tables in large multi-row INSERT ... SELECT FROM
 * unnest(...) batches: one round trip per batch, one batch in flight while the fold goes
 * on. Small enough that little is left to write once the fold ends: with 20,000 the last
 * batches and the indexes took 0.4-1.1 s after the fold of an 80,000-event history, with
 * 5,000 0.2-0.3 s (peak RSS 250 -> 220 MB).
 */
const BATCH = 5_000;

/** Collects rows across folded partitions and writes them in batches, one batch in flight. */
export class BatchWriter<T> {
  private rows: T[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  written = 0;

  constructor(private readonly write: (rows: T[]) => Promise<unknown>) {}

  /**
   * Adds the row of each item, awaiting only when a batch has filled: an await per row
   * cost more than the rows' own building.
   */
  async pushAll<S>(items: Iterable<S>, rowOf: (item: S) => T): Promise<void> {
    for (const item of items) {
      this.rows.push(rowOf(item));
      if (this.rows.length >= BATCH) await this.flush();
    }
  }

  /**
   * Adds one row without awaiting, for a synchronous reader (a stream's message handler):
   * a full batch is queued behind the one in flight.
   */
  add(row: T): void {
    this.rows.push(row);
    if (this.rows.length < BATCH) return;
    const rows = this.rows;
    this.rows = [];
    this.written += rows.length;
    this.inFlight = this.inFlight.then(() => this.write(rows));
    this.inFlight.catch(() => undefined);
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    await this.inFlight;
    if (rows.length === 0) return;
    this.written += rows.length;
    this.inFlight = this.write(rows);
    // Awaited by the next flush; until then, do not let it count as unhandled.
    this.inFlight.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }
}
