import { describeKillWindows, expectKillsLanded, landed } from './kill-window';

describe('kill windows', () => {
  const idle = { unpublishedRows: 0, unackedMessages: 0 };
  const outbox = { unpublishedRows: 3, unackedMessages: 0 };
  const consuming = { unpublishedRows: 0, unackedMessages: 7 };

  it('a kill landed when it left an unpublished row or an unacked message', () => {
    expect([idle, outbox, consuming].map(landed)).toEqual([false, true, true]);
  });

  it('fails when no kill landed, or fewer than the fraction asked', () => {
    expect(() => expectKillsLanded([idle, idle])).toThrow('only 0 of 2 kills');
    expect(() => expectKillsLanded([])).toThrow('only 0 of 0 kills');
    expect(() => expectKillsLanded([outbox, idle, idle], 0.5)).toThrow('wanted at least 2');
    expect(() => expectKillsLanded([outbox, consuming, idle], 0.5)).not.toThrow();
  });

  it('describes each window and both', () => {
    expect(describeKillWindows([outbox, consuming, { unpublishedRows: 1, unackedMessages: 1 }])).toBe(
      '2/3 kills left committed but unpublished outbox rows, 2/3 left consumed but unacked messages, 1/3 both',
    );
  });
});
