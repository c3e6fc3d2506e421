import { ServiceOverloadedError } from '@calm/nest-platform';
import { GroupCommit } from './group-commit';

/** A runBatch double: records each batch, answers when released (its "COMMIT"). */
function recorder(fail: (item: string) => boolean = () => false) {
  const batches: string[][] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxSeen = 0;
  const runBatch = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      maxSeen = Math.max(maxSeen, ++inFlight);
      pending.push(() => {
        inFlight--;
        const bad = items.find(fail);
        if (bad) reject(new Error(`bad member ${bad}`));
        else resolve(items.map((i) => `done:${i}`));
      });
    });
  const commitAll = async () => {
    while (pending.length) {
      pending.splice(0).forEach((c) => c());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, runBatch, commitAll, maxInFlight: () => maxSeen };
}

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setImmediate(r));
  return state;
};

it('runs a lone caller on its own at the next turn of the event loop', async () => {
  const r = recorder();
  const gc = new GroupCommit(r.runBatch, { maxBatch: 16, maxInFlight: 2 });
  const p = gc.submit('a');
  await new Promise((res) => setImmediate(res));
  expect(r.batches).toEqual([['a']]);
  await r.commitAll();
  await expect(p).resolves.toBe('done:a');
});

it('coalesces callers of the same turn into one transaction, each answered with its own result', async () => {
  const r = recorder();
  const gc = new GroupCommit(r.runBatch, { maxBatch: 16, maxInFlight: 2 });
  const ps = ['a', 'b', 'c'].map((x) => gc.submit(x));
  await new Promise((res) => setImmediate(res));
  expect(r.batches).toEqual([['a', 'b', 'c']]);
  await r.commitAll();
  await expect(Promise.all(ps)).resolves.toEqual(['done:a', 'done:b', 'done:c']);
});

it('answers nobody before the batch has committed', async () => {
  const r = recorder();
  const gc = new GroupCommit(r.runBatch, { maxBatch: 16, maxInFlight: 2 });
  const p = gc.submit('a');
  await new Promise((res) => setImmediate(res));
  expect(await settled(p)).toBe('pending');
  await r.commitAll();
  expect(await settled(p)).toBe('resolved');
});

it('bounds a batch by maxBatch and the batches in flight by maxInFlight; callers queued meanwhile leave together', async () => {
  const r = recorder();
  const gc = new GroupCommit(r.runBatch, { maxBatch: 4, maxInFlight: 1 });
  const ps = Array.from({ length: 10 }, (_, i) => gc.submit(`m${i}`));
  await new Promise((res) => setImmediate(res));
  expect(r.batches).toEqual([['m0', 'm1', 'm2', 'm3']]);
  await r.commitAll();
  expect(r.batches.map((b) => b.length)).toEqual([4, 4, 2]);
  expect(r.maxInFlight()).toBe(1);
  await expect(Promise.all(ps)).resolves.toHaveLength(10);
});

it('a failing member fails alone: the others are run again on their own and succeed', async () => {
  const r = recorder((item) => item === 'bad');
  const gc = new GroupCommit(r.runBatch, { maxBatch: 16, maxInFlight: 2 });
  const all = Promise.allSettled(['a', 'bad', 'c'].map((x) => gc.submit(x)));
  await new Promise((res) => setImmediate(res));
  await r.commitAll();
  const [a, bad, c] = await all;
  expect(a).toEqual({ status: 'fulfilled', value: 'done:a' });
  expect(c).toEqual({ status: 'fulfilled', value: 'done:c' });
  expect(bad).toMatchObject({ status: 'rejected', reason: new Error('bad member bad') });
  // the batch, then each member alone
  expect(r.batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
});

it('refuses a bound below 1', () => {
  expect(() => new GroupCommit(async (x: string[]) => x, { maxBatch: 0, maxInFlight: 1 })).toThrow(/at least 1/);
});

/**
 * A runBatch that throws instead of rejecting (the database's manager() throws
 * DatabaseUnavailableError at once while the pool is not connected): every member still
 * gets the error. Before, the members' retries called it outside any handler, the
 * throw escaped as an unhandled rejection and ended the process: a POST that reached a
 * service still connecting to its database crashed it (faults-crash, after a restart).
 */
it('answers every member with the error when runBatch throws before it returns a promise', async () => {
  const unavailable = new Error('database unavailable');
  const runBatch = (): Promise<string[]> => {
    throw unavailable;
  };
  const group = new GroupCommit<string, string>(runBatch, { maxBatch: 8, maxInFlight: 2 });
  const answers = ['a', 'b', 'c'].map((item) =>
    group.submit(item).then(
      () => 'resolved',
      (err: unknown) => (err === unavailable ? 'rejected with the error' : `rejected with ${String(err)}`),
    ),
  );
  const settledSoon = Promise.race([Promise.all(answers), new Promise((r) => setTimeout(() => r('still pending after 1 s'), 1000))]);
  expect(await settledSoon).toEqual(['rejected with the error', 'rejected with the error', 'rejected with the error']);
});

describe('bounds', () => {
  it('refuses a caller at once when maxQueued callers already wait (503 with Retry-After), the others unaffected', async () => {
    const r = recorder();
    // 'a' leaves at once (a full batch), 'b' waits: the queue is full.
    const gc = new GroupCommit(r.runBatch, { maxBatch: 1, maxInFlight: 1, maxQueued: 1, maxWaitMs: 5000 });
    const waiting = ['a', 'b'].map((x) => gc.submit(x));
    const refused = gc.submit('c');
    await expect(refused).rejects.toBeInstanceOf(ServiceOverloadedError);
    await expect(refused).rejects.toMatchObject({ status: 503, retryAfterSeconds: 5 });
    await r.commitAll();
    expect(await Promise.all(waiting)).toEqual(['done:a', 'done:b']);
    expect(r.batches).toEqual([['a'], ['b']]);
  });

  it('refuses a caller still queued after maxWaitMs, and never runs its write', async () => {
    const r = recorder();
    const gc = new GroupCommit(r.runBatch, { maxBatch: 1, maxInFlight: 1, maxWaitMs: 50 });
    const running = gc.submit('a');
    await new Promise((res) => setImmediate(res));
    const late = gc.submit('b');
    await expect(late).rejects.toThrow(/no room for this write within 50 ms/);
    await r.commitAll();
    expect(await running).toBe('done:a');
    expect(r.batches).toEqual([['a']]);
  });
});
