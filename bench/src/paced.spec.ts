import { paced } from './paced';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('paced (an open-loop load at a fixed rate)', () => {
  it("spaces the operations evenly instead of sending a second's quota at once", async () => {
    const sentAt: number[] = [];
    const r = await paced(100, 0.3, 10, async () => {
      sentAt.push(performance.now());
      return true;
    });
    expect(r.ok).toBe(30);
    // autocannon's overallRate would send all of them within the first few ms of the second.
    const span = sentAt[sentAt.length - 1] - sentAt[0];
    expect(span).toBeGreaterThan(250);
    // A late timer sends what fell due meanwhile at once; most gaps are the 10 ms spacing.
    const gaps = sentAt
      .slice(1)
      .map((t, i) => t - sentAt[i])
      .sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThan(5);
  });

  it('counts a wait for a free slot in the latency (no coordinated omission)', async () => {
    // One slot, an operation every 10 ms that takes 30 ms: each waits longer than the one before.
    const r = await paced(100, 0.1, 1, async () => {
      await sleep(30);
      return true;
    });
    expect(r.ok).toBe(10);
    // The tenth was due 90 ms in and could start only after nine others of 30 ms: 210 ms at least.
    expect(r.latenciesMs[9]).toBeGreaterThanOrEqual(200);
    expect(r.latenciesMs[9] - r.latenciesMs[0]).toBeGreaterThan(150);
  });

  it("keeps only the successes' latencies and counts failures and throws", async () => {
    let i = 0;
    const r = await paced(200, 0.05, 2, async () => {
      i++;
      if (i % 3 === 0) throw new Error('refused');
      return i % 3 === 1;
    });
    expect(r.ok + r.failed).toBe(10);
    expect(r.latenciesMs).toHaveLength(r.ok);
    expect(r.failed).toBeGreaterThan(0);
  });
});
