import { pumpBatches } from './batch-pump';

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Lets every pending promise callback run (the pump's hand-offs are microtasks). */
const settle = () => new Promise<void>((r) => setImmediate(r));

async function* items(n: number, pulled: number[] = []): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.push(i);
    yield i;
  }
}

describe('pumpBatches', () => {
  it('applies every item exactly once, in order, in batches of at most batchSize', async () => {
    const batches: number[][] = [];
    await pumpBatches(items(23), {
      batchSize: 5,
      concurrency: 1,
      apply: async (b) => {
        batches.push(b);
        await settle();
      },
    });
    expect(batches.flat()).toEqual([...Array(23).keys()]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(5);
    // While one batch was applied the next ones accumulated: not one call per item.
    expect(batches.length).toBeLessThan(23);
    expect(batches.some((b) => b.length === 5)).toBe(true);
  });

  it('hands each item on at once when the pump is idle', async () => {
    const batches: number[][] = [];
    async function* slow() {
      for (let i = 0; i < 4; i++) {
        await settle();
        yield i;
      }
    }
    await pumpBatches(slow(), { batchSize: 10, concurrency: 1, apply: async (b) => void batches.push(b) });
    expect(batches).toEqual([[0], [1], [2], [3]]);
  });

  it('resolves only once the last batch has been applied, and at once for an empty source', async () => {
    const last = gate();
    let applied = 0;
    let resolved = false;
    const done = pumpBatches(items(1), {
      batchSize: 4,
      concurrency: 1,
      apply: async () => {
        await last.promise;
        applied++;
      },
    }).then(() => (resolved = true));
    await settle();
    expect(resolved).toBe(false);
    last.open();
    await done;
    expect(applied).toBe(1);
    let calls = 0;
    await pumpBatches(items(0), { batchSize: 4, concurrency: 2, apply: async () => void calls++ });
    expect(calls).toBe(0);
  });

  it('pauses reading once twice batchSize items are queued, and reads on when a worker takes a batch', async () => {
    const pulled: number[] = [];
    const release = gate();
    const batches: number[][] = [];
    const done = pumpBatches(items(40, pulled), {
      batchSize: 3,
      concurrency: 1,
      apply: async (b) => {
        batches.push(b);
        await release.promise;
      },
    });
    await settle();
    // The worker took item 0 and is held; the reader queued 1..6 (2 x 3) and waits.
    expect(batches).toEqual([[0]]);
    expect(pulled.length).toBe(1 + 2 * 3);
    release.open();
    await done;
    expect(batches.flat()).toEqual([...Array(40).keys()]);
  });

  it('runs up to `concurrency` batches at once, never more', async () => {
    let running = 0;
    let most = 0;
    const release = gate();
    const done = pumpBatches(items(12), {
      batchSize: 2,
      concurrency: 3,
      apply: async () => {
        most = Math.max(most, ++running);
        await release.promise;
        running--;
      },
    });
    await settle();
    expect(running).toBe(3);
    release.open();
    await done;
    expect(most).toBe(3);
  });

  it("rejects with the source's error after applying what it had read", async () => {
    async function* failing() {
      yield 1;
      yield 2;
      throw new Error('source broke');
    }
    const applied: number[] = [];
    await expect(pumpBatches(failing(), { batchSize: 10, concurrency: 1, apply: async (b) => void applied.push(...b) })).rejects.toThrow('source broke');
    expect(applied).toEqual([1, 2]);
  });
});
