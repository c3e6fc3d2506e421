import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';

/** How long past its expiry a pull request may go on, on the client, before the server is asked whether it is still open. */
export const PULL_END_CHECK_AFTER_MS = 100;

/**
 * Ends a fetch the server has already ended without a word. nats-server 2.9.10 drops a
 * pull request silently when a message arrives just past the request's expiry, ahead of
 * the server's own expiry check that sends the 408 (about 1 request in 10 to 2 in 5 of
 * those idle until messages come around their expiry: pull-requests.int-spec.ts);
 * nats.js then ends the fetch only by its idle-heartbeat check, about twice the expiry
 * after the request was made, and no request is open in between. So once `expiresMs + PULL_END_CHECK_AFTER_MS`
 * has passed and the fetch is still going, this asks the server for the consumer's
 * waiting pull requests; none waiting means ours is over too, and the fetch is stopped.
 * What the server delivered into the request went out before the request was gone, so
 * it comes ahead of the answer on the same connection and is queued in the fetch ahead
 * of the stop: nothing is abandoned. One waiting (ours still open, or another reader's
 * on the same durable), or no answer, leaves the fetch to end as before. Returns whether
 * it stopped the fetch, and a cancel for when the fetch ends by itself first.
 */
export function endWhenServerEnded(consumer: Consumer, messages: ConsumerMessages, expiresMs: number): { cancel: () => void; stopped: () => boolean } {
  let done = false;
  let stopped = false;
  const timer = setTimeout(() => {
    Promise.resolve()
      .then(() => consumer.info(false))
      .then(
        (info) => {
          if (done || info.num_waiting !== 0) return;
          stopped = true;
          messages.stop();
        },
        () => undefined, // No answer: the fetch ends by nats.js's heartbeat check, as before.
      );
  }, expiresMs + PULL_END_CHECK_AFTER_MS);
  return {
    cancel: () => {
      done = true;
      clearTimeout(timer);
    },
    stopped: () => stopped,
  };
}
