import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import { endWhenServerEnded, PULL_END_CHECK_AFTER_MS } from './pull-end-check';

/** A consumer whose info says `waiting` pull requests, and a fetch that records being stopped. */
function fakes(waiting: number) {
  const info = jest.fn(async () => ({ num_waiting: waiting }));
  const stop = jest.fn();
  return { consumer: { info } as unknown as Consumer, messages: { stop } as unknown as ConsumerMessages, info, stop };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('endWhenServerEnded', () => {
  it('stops a fetch still going past its expiry when the server holds no pull request', async () => {
    const { consumer, messages, info, stop } = fakes(0);
    const check = endWhenServerEnded(consumer, messages, 1000);
    await jest.advanceTimersByTimeAsync(1000 + PULL_END_CHECK_AFTER_MS - 1);
    expect(info).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(info).toHaveBeenCalledWith(false);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(check.stopped()).toBe(true);
  });

  it('leaves the fetch alone while the server still holds a pull request', async () => {
    const { consumer, messages, stop } = fakes(1);
    const check = endWhenServerEnded(consumer, messages, 1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(stop).not.toHaveBeenCalled();
    expect(check.stopped()).toBe(false);
  });

  it('leaves the fetch alone when the server does not answer', async () => {
    const { consumer, messages, info, stop } = fakes(0);
    info.mockRejectedValueOnce(new Error('timeout'));
    const check = endWhenServerEnded(consumer, messages, 1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(info).toHaveBeenCalledTimes(1);
    expect(stop).not.toHaveBeenCalled();
    expect(check.stopped()).toBe(false);
  });

  it('asks nothing once the fetch has ended by itself', async () => {
    const { consumer, messages, info, stop } = fakes(0);
    endWhenServerEnded(consumer, messages, 1000).cancel();
    await jest.advanceTimersByTimeAsync(5000);
    expect(info).not.toHaveBeenCalled();
    expect(stop).not.toHaveBeenCalled();
  });
});
