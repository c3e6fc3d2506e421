import { HEALTHY_RETRY_LIMIT, HeldMessage, holdAndRetry, HoldOptions } from './hold-and-retry';

class FakeMessage implements HeldMessage {
  readonly calls: string[] = [];
  working(): void {
    this.calls.push('working');
  }
  nak(): void {
    this.calls.push('nak');
  }
}

class TransientError extends Error {}

/** A scripted world: the health probe fails `downFor` more times, then passes. */
function world(overrides: Partial<HoldOptions> = {}) {
  const state = { downFor: 0, stopping: false, probes: 0, sleeps: [] as number[], warnings: [] as string[] };
  const options: HoldOptions = {
    isTransient: (err) => err instanceof TransientError,
    checkHealth: async () => {
      state.probes++;
      if (state.downFor > 0) {
        state.downFor--;
        throw new Error('connection refused');
      }
    },
    isStopping: () => state.stopping,
    tickMs: 300,
    warn: (m) => state.warnings.push(m),
    sleep: async (ms) => {
      // A fake sleep never yields to the timers, so a loop that never ends would hang Jest: fail instead.
      if (state.sleeps.push(ms) > 1000) throw new Error('still holding after 1000 ticks');
    },
    ...overrides,
  };
  return { state, options };
}

/** An attempt that throws the given errors in turn, then returns 'applied'. */
function attempts(...errors: Error[]) {
  const run = {
    count: 0,
    fn: async () => {
      const err = errors[run.count++];
      if (err) throw err;
      return 'applied';
    },
  };
  return run;
}

describe('holdAndRetry', () => {
  it('runs the attempt once and touches no message when it succeeds', async () => {
    const { options } = world();
    const msgs = [new FakeMessage(), new FakeMessage()];
    const run = attempts();
    expect(await holdAndRetry(msgs, run.fn, options)).toEqual({ kind: 'done', value: 'applied' });
    expect(run.count).toBe(1);
    expect(msgs.map((m) => m.calls)).toEqual([[], []]);
  });

  it('holds the messages through an outage, keeping each alive on every tick, then retries', async () => {
    const { state, options } = world();
    state.downFor = 3;
    const msgs = [new FakeMessage(), new FakeMessage()];
    const run = attempts(new TransientError('database down'));
    expect(await holdAndRetry(msgs, run.fn, options)).toEqual({ kind: 'done', value: 'applied' });
    expect(run.count).toBe(2);
    expect(state.probes).toBe(4);
    // One working() before each wait: 3 failed probes and the passing one.
    for (const m of msgs) expect(m.calls).toEqual(['working', 'working', 'working', 'working']);
    expect(Math.max(...state.sleeps)).toBeLessThanOrEqual(options.tickMs);
    expect(state.warnings).toHaveLength(1);
  });

  it('warns once with the count and the reason, and backs off from 200 ms towards the tick', async () => {
    const { state, options } = world({ tickMs: 60_000 });
    state.downFor = 4;
    const run = attempts(new TransientError('database down'));
    await holdAndRetry([new FakeMessage(), new FakeMessage(), new FakeMessage()], run.fn, options);
    expect(state.warnings).toEqual(['holding 3 message(s) until the database is back: database down']);
    // backoffDelay(attempt, 200, 5000): half of 200 * 2^attempt plus up to as much again.
    state.sleeps.forEach((ms, attempt) => {
      expect(ms).toBeGreaterThanOrEqual(Math.min(5000, 200 * 2 ** attempt) / 2);
      expect(ms).toBeLessThanOrEqual(Math.min(5000, 200 * 2 ** attempt));
    });
    expect(state.sleeps).toHaveLength(5);
  });

  it('names a thrown value that is not an Error as it is', async () => {
    const { state, options } = world({ isTransient: () => true });
    let thrown = 0;
    await holdAndRetry([new FakeMessage()], async () => (thrown++ === 0 ? Promise.reject('ECONNREFUSED') : 'ok'), options);
    expect(state.warnings).toEqual(['holding 1 message(s) until the database is back: ECONNREFUSED']);
    thrown = 0;
    await holdAndRetry([new FakeMessage()], async () => (thrown++ === 0 ? Promise.reject(null) : 'ok'), options);
    expect(state.warnings[1]).toBe('holding 1 message(s) until the database is back: null');
  });

  it('never gives up on a long outage: it is the world, not the message', async () => {
    const { state, options } = world();
    const outages = HEALTHY_RETRY_LIMIT * 3;
    const run = attempts(...Array.from({ length: outages }, () => new TransientError('database down')));
    // Each failure comes with a real outage (one failed probe), which resets the count.
    const attempt = async () => {
      if (run.count < outages) state.downFor = 1;
      return run.fn();
    };
    expect(await holdAndRetry([new FakeMessage()], attempt, options)).toEqual({ kind: 'done', value: 'applied' });
    expect(run.count).toBe(outages + 1);
  });

  it('returns a failure that is not transient at once, without holding', async () => {
    const { state, options } = world();
    const msg = new FakeMessage();
    const boom = new Error('bad event');
    const run = attempts(boom);
    expect(await holdAndRetry([msg], run.fn, options)).toEqual({ kind: 'failed', error: boom });
    expect(run.count).toBe(1);
    expect(state.probes).toBe(0);
    expect(msg.calls).toEqual([]);
  });

  it(`gives up on a "transient" error the health probe never sees after ${HEALTHY_RETRY_LIMIT} retries`, async () => {
    const { options } = world();
    const errors = Array.from({ length: 100 }, () => new TransientError('08P01 invalid message format'));
    const run = attempts(...errors);
    const outcome = await holdAndRetry([new FakeMessage()], run.fn, options);
    expect(outcome).toEqual({ kind: 'failed', error: errors[HEALTHY_RETRY_LIMIT] });
    expect(run.count).toBe(HEALTHY_RETRY_LIMIT + 1);
  });

  it('gives the messages back (nak) and stops retrying when the consumer stops while holding', async () => {
    const { state, options } = world();
    state.downFor = Number.POSITIVE_INFINITY;
    let ticks = 0;
    options.sleep = async () => {
      if (++ticks === 3) state.stopping = true;
      if (ticks > 10) throw new Error('still holding after the consumer stopped');
    };
    const msgs = [new FakeMessage(), new FakeMessage()];
    const run = attempts(new TransientError('database down'));
    expect(await holdAndRetry(msgs, run.fn, options)).toEqual({ kind: 'stopped' });
    expect(run.count).toBe(1);
    for (const m of msgs) expect(m.calls).toEqual(['working', 'working', 'working', 'nak']);
  });
});
