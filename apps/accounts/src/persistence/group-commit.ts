import { ServiceOverloadedError } from '@calm/nest-platform';
import { stageNow } from '@calm/config';
import { openGroupCommitted } from './stage-channels';

/**
 * Group commit: concurrent callers' writes coalesced into one transaction, so N
 * requests pay one commit (one WAL flush) instead of N.
 *
 * - A lone caller is not delayed: its batch leaves on the next turn of the event loop
 *   (setImmediate, well under a millisecond), which only gathers callers that arrived
 *   in the same turn.
 * - Under load batches grow by themselves: at most `maxInFlight` batches run at once
 *   (each holds one pooled connection); callers arriving meanwhile queue, and the next
 *   batch takes up to `maxBatch` of them as soon as one finishes. No timer waits for
 *   company.
 * - Each caller is answered only after the transaction holding its write has committed
 *   (runBatch resolves after COMMIT), with its own result.
 * - One member's failure does not fail the others: when a batch fails, every member is
 *   run again alone, in its own transaction, and gets its own result or error. A batch
 *   either commits entirely or not at all, so a member is never applied twice.
 * - Bounded: at most `maxQueued` callers wait (one more is refused at once), and a caller
 *   still queued after `maxWaitMs` is refused (ServiceOverloadedError: 503 with
 *   Retry-After). Both are refused before their write started, so nothing of theirs is
 *   applied and a retry is safe. A caller whose batch is running is bounded by the pool's
 *   statement_timeout instead (a transaction cannot be abandoned half way).
 */
export interface GroupCommitOptions {
  /** Most members per transaction; 1 turns grouping off. */
  maxBatch: number;
  /** Batches in flight at once. */
  maxInFlight: number;
  /** Callers that may wait for a batch (default 1024). */
  maxQueued?: number;
  /** How long a caller may wait for its batch to start (default 10 s). */
  maxWaitMs?: number;
}

export const DEFAULT_MAX_QUEUED = 1024;
export const DEFAULT_MAX_WAIT_MS = 10_000;

interface Waiter<I, O> {
  item: I;
  deadline: number;
  /** When it was submitted (stageNow), only while the bench's stage log listens; else 0. */
  queuedAt: number;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<I, O> {
  private readonly queue: Waiter<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private expiry?: NodeJS.Timeout;

  /** `runBatch` runs its members in ONE transaction and answers one result per member, in order, after it committed. */
  constructor(
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {
    if (!(options.maxBatch >= 1 && options.maxInFlight >= 1))
      throw new Error(`group commit: maxBatch and maxInFlight must be at least 1 (${JSON.stringify(options)})`);
  }

  submit(item: I): Promise<O> {
    const maxQueued = this.options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (this.queue.length >= maxQueued)
      return Promise.reject(new ServiceOverloadedError(`too many writes waiting (${maxQueued}); retry later`, this.retryAfterSeconds()));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject, deadline: Date.now() + this.maxWaitMs(), queuedAt: openGroupCommitted.hasSubscribers ? stageNow() : 0 });
      this.watchDeadlines();
      if (this.queue.length >= this.options.maxBatch) this.drain();
      else this.schedule();
    });
  }

  private maxWaitMs(): number {
    return this.options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.maxWaitMs() / 1000));
  }

  /** One timer for the whole queue: the oldest waiter's deadline comes first (the queue is in arrival order). */
  private watchDeadlines(): void {
    if (this.expiry || this.queue.length === 0) return;
    this.expiry = setTimeout(
      () => {
        this.expiry = undefined;
        const now = Date.now();
        while (this.queue.length > 0 && this.queue[0].deadline <= now) {
          this.queue.shift()!.reject(new ServiceOverloadedError(`no room for this write within ${this.maxWaitMs()} ms; retry later`, this.retryAfterSeconds()));
        }
        this.watchDeadlines();
      },
      Math.max(0, this.queue[0].deadline - Date.now()),
    );
    this.expiry.unref();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      // run() answers every member itself; a failure it did not expect still answers
      // them, instead of escaping as an unhandled rejection (which ends the process).
      void this.run(batch)
        .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private async run(batch: Waiter<I, O>[]): Promise<void> {
    let results: O[];
    const [startedAt, inFlight] = openGroupCommitted.hasSubscribers ? [stageNow(), this.inFlight] : [0, 0];
    try {
      results = await this.runBatch(batch.map((w) => w.item));
      if (startedAt)
        openGroupCommitted.publish({ items: batch.map((w) => w.item), queuedAt: batch.map((w) => w.queuedAt), startedAt, committedAt: stageNow(), inFlight });
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // The batch rolled back as a whole: nothing of it is applied, so each member can
      // safely run again alone; only the member that really fails gets an error.
      await Promise.all(batch.map((w) => this.runAlone(w)));
      return;
    }
    if (results.length !== batch.length) {
      const err = new Error(`group commit: ${batch.length} members answered ${results.length} results`);
      return batch.forEach((w) => w.reject(err));
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  /** One member in its own transaction. runBatch may throw before it returns a promise (a pool not connected yet): awaited inside try, that is an error for this member too. */
  private async runAlone(w: Waiter<I, O>): Promise<void> {
    try {
      const [o] = await this.runBatch([w.item]);
      w.resolve(o);
    } catch (err) {
      w.reject(err);
    }
  }
}
