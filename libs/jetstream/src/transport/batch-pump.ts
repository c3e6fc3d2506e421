/** How pumpBatches reads a source and hands its items on. */
export interface BatchPumpOptions<T> {
  /** Most items per batch; the reader pauses once twice this many are queued. */
  batchSize: number;
  /** Batches handed to `apply` at once (each worker takes the next batch as it frees up). */
  concurrency: number;
  /** Applies one batch; must not throw (the caller turns its own failures into outcomes). */
  apply: (batch: T[]) => Promise<void>;
}

/**
 * Micro-batching over an async source: while the workers apply batches the next ones
 * accumulate, so an idle pump hands each item on at once and a busy one hands on large
 * batches. Resolves once the source has ended and every queued item was applied.
 */
export async function pumpBatches<T>(source: AsyncIterable<T>, options: BatchPumpOptions<T>): Promise<void> {
  const queue: T[] = [];
  // Workers waiting for items; a new item wakes them all, the first takes it.
  const idle: (() => void)[] = [];
  const wakeWorkers = () => idle.splice(0).forEach((wake) => wake());
  let wakeReader: (() => void) | undefined;
  let readerDone = false;
  const worker = async () => {
    for (;;) {
      if (queue.length === 0) {
        if (readerDone) return;
        await new Promise<void>((r) => idle.push(r));
        continue;
      }
      const batch = queue.splice(0, options.batchSize);
      wakeReader?.();
      await options.apply(batch);
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  try {
    for await (const item of source) {
      queue.push(item);
      wakeWorkers();
      if (queue.length >= options.batchSize * 2) {
        await new Promise<void>((r) => (wakeReader = r));
        wakeReader = undefined;
      }
    }
  } finally {
    readerDone = true;
    wakeWorkers();
    await Promise.all(workers);
  }
}
