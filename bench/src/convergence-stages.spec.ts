import { accountStages, customerStages, groupStages } from './convergence-stages';
import type { StageRecord } from './stage-log';

describe("the convergence phase's stage breakdown", () => {
  it('splits a customer second into its stages, joined by customer id, the stages summing to the total', () => {
    const customerId = 'c1';
    const log: StageRecord[] = [
      { k: 'received', subject: `customer.created.${customerId}`, storedAt: 1001, at: 1002 },
      { k: 'batch', durable: 'd', subjects: [`customer.created.${customerId}`], startedAt: 1005, doneAt: 1012 },
      { k: 'customer-facts', customerIds: [customerId], at: [1005.5, 1006, 1008, 1011] },
    ];
    const b = customerStages([{ accountId: 'a1', customerId, publishAt: 1000, pubAckAt: 1001.5, gets: 3, sentAt: 1012, answeredAt: 1014 }], log);
    expect(b.matched).toBe(1);
    const p50 = Object.fromEntries(b.stages.map((s) => [s.stage, s.p50_ms]));
    expect(Object.values(p50)).toEqual([1, 1, 3, 0.5, 0.5, 2, 3, 1, 2, 3, 14]);
    const times = b.stages.filter((s) => !s.stage.startsWith('GETs') && !s.stage.startsWith('total')).reduce((a, s) => a + s.p50_ms, 0);
    expect(times).toBe(p50['total (publish to "valid" read)']);
  });

  it('leaves out a sample without its service records', () => {
    const b = customerStages([{ accountId: 'a1', customerId: 'c9', publishAt: 0, pubAckAt: 1, gets: 1, sentAt: 2, answeredAt: 3 }], []);
    expect(b).toEqual({ samples: 1, matched: 0, stages: [] });
  });

  it('splits an account second at its group commit', () => {
    const log: StageRecord[] = [{ k: 'group', accountIds: ['x', 'a1'], queuedAt: [1001, 1002], startedAt: 1003, committedAt: 1007, inFlight: 1 }];
    const b = accountStages([{ accountId: 'a1', sentAt: 1000, answeredAt: 1008, polled: 0 }], log);
    expect(b.stages.map((s) => s.p50_ms)).toEqual([2, 1, 4, 1, 2, 1, 8]);
  });

  it('summarises every member of every group commit, matched to a trace or not', () => {
    const log: StageRecord[] = [
      { k: 'group', accountIds: ['x', 'y'], queuedAt: [1000, 1002], startedAt: 1003, committedAt: 1007, inFlight: 3 },
      { k: 'received', subject: 's', storedAt: 0, at: 1 },
    ];
    const b = groupStages(log);
    expect(b.samples).toBe(2);
    expect(b.stages.map((s) => s.p99_ms)).toEqual([3, 4, 2, 3, 7]);
  });
});
