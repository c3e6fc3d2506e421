/** What an open-loop load did: each operation's latency from when it was due, and the count of each outcome. */
export interface PacedResult {
  latenciesMs: number[];
  ok: number;
  failed: number;
  durationS: number;
}

/**
 * An open-loop load at a fixed rate: operation i is due at start + i / rate, whatever the
 * earlier ones do, and runs on the first free one of `slots` (connections). Its latency
 * counts from when it was sent, or from when it was due when it had to wait for a free
 * slot, so that wait is part of it: a slow answer
 * cannot hold the next arrivals back unseen (no coordinated omission). autocannon's
 * `overallRate` instead lets each connection send its quota of a second back to back and
 * then pause until the next second: the requests arrive in bursts at the saturation rate.
 * `op` answers whether the operation succeeded; only successes' latencies are kept.
 */
export async function paced(rate: number, durationS: number, slots: number, op: (slot: number) => Promise<boolean>): Promise<PacedResult> {
  const free = Array.from({ length: slots }, (_, i) => i);
  const waiting: number[] = [];
  const latenciesMs: number[] = [];
  const running = new Set<Promise<void>>();
  let failed = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  const run = (slot: number, dueAt: number) => {
    const p = op(slot).then(
      (ok) => (ok ? latenciesMs.push(performance.now() - dueAt) : failed++),
      () => failed++,
    );
    const done = p.then(() => {
      running.delete(done);
      const next = waiting.shift();
      if (next === undefined) free.push(slot);
      else run(slot, next);
    });
    running.add(done);
  };
  for (let i = 0; ; i++) {
    const dueAt = start + (i * 1000) / rate;
    if (dueAt >= end) break;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Sent at once on a free slot: counted from now (a late timer of this process is not
    // the server's time); queued for a slot: counted from when it was due.
    const slot = free.pop();
    if (slot === undefined) waiting.push(dueAt);
    else run(slot, performance.now());
  }
  while (running.size || waiting.length) await Promise.race(running);
  return { latenciesMs, ok: latenciesMs.length, failed, durationS: (performance.now() - start) / 1000 };
}
