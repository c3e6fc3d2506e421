import { Consumer, JetStreamError, JsMsg } from '@nats-io/jetstream';
import { stageNow } from '@calm/config';
import { endWhenServerEnded } from './pull-end-check';
import { messageReceived, pullEnded } from './stage-channels';

/**
 * How long one pull request waits on an idle stream before it ends by itself. Stopping
 * waits for the request open at that moment to end, so this bounds the wait on an idle
 * consumer; a busy one fills its request sooner.
 */
export const PULL_EXPIRES_MS = 1000;

/**
 * nats.js ends a fetch with this error when two of its pull request's idle heartbeats
 * (half the request's expiry, by nats.js's default) came late. On an idle consumer the
 * second check falls at the request's own expiry, so a busy event loop that reads the
 * expiry's status after its timer fires is enough: the request was ending anyway.
 */
export const isHeartbeatsMissed = (err: unknown): boolean => err instanceof JetStreamError && err.message === 'heartbeats missed';

/**
 * A durable consumer's messages, one pull request at a time, each of which ends by itself
 * (filled, or expired after PULL_EXPIRES_MS; one the server ended without a status is
 * stopped once the server says it holds no request: endWhenServerEnded). A pull request
 * is never abandoned open: nats-server 2.9 goes on filling a request after its subscriber
 * unsubscribed, as long as the connection lives, and what it delivers there waits out
 * ack_wait (up to a whole request's worth at each close of nats.js's consume(), measured
 * in jetstream.server.int-spec.ts). Once `isStopping()`, no new request is made and the open
 * one is read to its end, its messages given back only after it has ended: a message
 * given back while the request is open is delivered into it again at once, and each
 * round spends one of its max_deliver deliveries (a spin of such rounds used them
 * all up, and the server then stopped offering those messages: faults-broker's
 * "consumer stopped" test).
 */
export async function* pullOneRequestAtATime(
  consumer: Consumer,
  maxMessages: number,
  isStopping: () => boolean,
  giveBack: (msgs: JsMsg[]) => void = (msgs) => msgs.forEach((m) => m.nak()),
): AsyncGenerator<JsMsg> {
  const atStop: JsMsg[] = [];
  try {
    while (!isStopping()) {
      const startedAt = pullEnded.hasSubscribers ? stageNow() : 0;
      let count = 0;
      let ended = 'done';
      const messages = await consumer.fetch({ max_messages: maxMessages, expires: PULL_EXPIRES_MS });
      // A request the server ended without a status is stopped here once the server says so.
      const check = endWhenServerEnded(consumer, messages, PULL_EXPIRES_MS);
      try {
        for await (const msg of messages) {
          count++;
          if (messageReceived.hasSubscribers) messageReceived.publish({ msg, at: stageNow() });
          if (isStopping()) atStop.push(msg);
          else yield msg;
        }
      } catch (err) {
        // The request is over (isHeartbeatsMissed): pull again at once. Thrown, it made the
        // consumer reattach after a backoff and a consumer lookup, over a second with no
        // request open while messages waited in the stream (the bench's --stages:
        // "stored to received"). Any other error still ends the pull.
        ended = (err as Error).message;
        if (!isHeartbeatsMissed(err)) throw err;
      } finally {
        check.cancel();
        if (check.stopped()) ended = 'ended on the server';
        if (startedAt) pullEnded.publish({ startedAt, endedAt: stageNow(), count, ended });
      }
    }
  } finally {
    giveBack(atStop);
  }
}
