import { AckPolicy, ClusterInfo, ConsumerInfo, ConsumerMessages, DeliverPolicy, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { nanos, nuid, TimeoutError } from '@nats-io/transport-node';
import { isStreamNotFound } from './jetstream-errors';

export interface StreamRead {
  /** Messages delivered to `onMessage`. */
  count: number;
  /** The stream's last sequence when the read started: the read stops there. */
  lastSeq: number;
  /** The server the read's consumer was placed on (absent: not clustered, or nothing to read). */
  servedBy?: string;
}

export interface StreamReadOptions {
  stream: string;
  /** One subject filter; absent: every subject of the stream. */
  filterSubject?: string;
  /** Called once with how many messages the read will deliver (for progress bars). */
  onTotal?: (total: number) => void;
  batch?: number;
  /** A read that receives nothing for this long fails (a replica that never catches up); default 30 s. */
  stallMs?: number;
  /** Consumers made until one is not on a replica the leader reports lagging; default 6, 1 takes the first. */
  placementTries?: number;
}

/**
 * Reads every message of a stream (or those matching one subject filter), from the first to
 * the stream's last sequence at the start of the read, through a throwaway pull
 * consumer without acks (nothing is acknowledged or changed on the stream). A single
 * filter subject, not filter_subjects: nats-server 2.9 knows only the former. The one
 * reader of the replay, the tests and the bench: a filter that matches nothing returns at
 * once instead of waiting for a message that never comes.
 *
 * Where the read ends is asked of the stream leader (the stream's last sequence, and the
 * last message the filter matches), never taken from the consumer: nats-server places an
 * ephemeral consumer on any peer of a replicated stream, a replica still catching up after
 * a restart included, and such a consumer counts and delivers only what that replica holds
 * so far. A consumer placed on a replica the leader reports as not current is replaced (a
 * new one lands on a random peer); one that still lags is read until it has delivered the
 * end, which it does once its replica catches up.
 */
export async function readStream(js: JetStreamClient, jsm: JetStreamManager, options: StreamReadOptions, onMessage: (msg: JsMsg) => void): Promise<StreamRead> {
  const info = await jsm.streams.info(options.stream).catch((err: Error) => {
    // No stream yet (nothing was ever published): an empty history, not an error.
    if (isStreamNotFound(err)) return null;
    throw err;
  });
  if (info === null) {
    options.onTotal?.(0);
    return { count: 0, lastSeq: 0 };
  }
  const lastSeq = info.state.last_seq;
  const matched = info.state.messages === 0 ? 0 : await lastMatching(jsm, options.stream, options.filterSubject, lastSeq);
  const endSeq = matched ?? lastSeq;
  if (endSeq === 0) {
    options.onTotal?.(0);
    return { count: 0, lastSeq };
  }
  const ci = await placedConsumer(jsm, options.stream, options.filterSubject, info.cluster, options.placementTries ?? 6);
  const servedBy = ci.cluster?.leader;
  let count = 0;
  try {
    options.onTotal?.(ci.num_pending);
    // The end was not known (see lastMatching): the consumer's count says whether anything matches.
    if (matched === null && ci.num_pending === 0) return { count, lastSeq, ...(servedBy ? { servedBy } : {}) };
    const consumer = await js.consumers.get(options.stream, ci.name);
    let checkedAt = 0;
    // Messages come to a callback, not an async iterator: no promise and no microtask per
    // message (bench/results/ab/replay-callback-read). `settle` ends the read once: at the
    // end, on an error, on a stall, or when the consumer closes.
    let ended = false;
    let settle: (err?: unknown) => void = () => undefined;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (err) => {
        if (ended) return;
        ended = true;
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      };
    });
    const stall = new StallWatch(options.stallMs ?? 30_000, () => settle());
    let messages: ConsumerMessages | undefined;
    try {
      messages = await consumer.consume({
        max_messages: options.batch ?? 8192,
        callback: (msg) => {
          // Once the read has ended, what the server had already sent is not delivered.
          if (ended) return;
          stall.progress();
          const { seq, pending } = deliveryOf(msg);
          if (seq > lastSeq) return settle();
          count++;
          try {
            onMessage(msg);
          } catch (err) {
            return settle(err);
          }
          if (seq >= endSeq) return settle();
          // Nothing more on this consumer's replica yet. Its end is still to come, unless an
          // operator's limit removed it meanwhile (asked at most once a second).
          if (pending === 0 && Date.now() - checkedAt > 1000) {
            checkedAt = Date.now();
            jsm.streams.getMessage(options.stream, { seq: endSeq }).then((m) => (m ? undefined : settle()), settle);
          }
        },
      });
      void messages.closed().then((err) => settle(err ?? undefined), settle);
      await finished;
    } finally {
      stall.stop();
      await messages?.close().catch(() => undefined);
    }
    if (stall.fired)
      throw new Error(
        `reading stream ${options.stream} stalled: nothing for ${stall.ms} ms after ${count} messages, before sequence ${endSeq} (consumer on ${servedBy ?? 'the server'})`,
      );
    return { count, lastSeq, ...(servedBy ? { servedBy } : {}) };
  } finally {
    await jsm.consumers.delete(options.stream, ci.name).catch(() => undefined);
  }
}

/** The sequence the read ends at: the stream's last, or the last its filter matches up to it (null: not known). */
async function lastMatching(jsm: JetStreamManager, stream: string, filterSubject: string | undefined, lastSeq: number): Promise<number | null> {
  if (!filterSubject) return lastSeq;
  const last = await jsm.streams.getMessage(stream, { last_by_subj: filterSubject });
  // A later match published since the stream info was read: the read stops at lastSeq anyway.
  if (last) return Math.min(last.seq, lastSeq);
  // "No message" is not "none matches": nats-server 2.9 answers so for a wildcard filter
  // whose latest matches were deleted while earlier ones remain. Unknown (null): read to
  // the stream's end, unless the read's consumer counts nothing.
  return null;
}

async function placedConsumer(
  jsm: JetStreamManager,
  stream: string,
  filterSubject: string | undefined,
  cluster: ClusterInfo | undefined,
  tries: number,
): Promise<ConsumerInfo> {
  const lagging = new Set((cluster?.replicas ?? []).filter((r) => !r.current).map((r) => r.name));
  for (let attempt = 1; ; attempt++) {
    const ci = await addReadConsumer(jsm, stream, filterSubject);
    const node = ci.cluster?.leader;
    if (!node || !lagging.has(node) || attempt >= tries) return ci;
    await jsm.consumers.delete(stream, ci.name).catch(() => undefined);
  }
}

/**
 * A throwaway consumer for one read. Its creation is asked again when the answer times
 * out: a cluster busy taking a restarted node back (the moment a lagging replica exists)
 * answered a creation after the client's 5 s more than once in the cluster read test.
 * A creation that did happen unanswered leaves a consumer that inactive_threshold removes.
 */
async function addReadConsumer(jsm: JetStreamManager, stream: string, filterSubject: string | undefined, tries = 3): Promise<ConsumerInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await jsm.consumers.add(stream, {
        name: scratchConsumerName(),
        ...(filterSubject ? { filter_subject: filterSubject } : {}),
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
        mem_storage: true,
        inactive_threshold: nanos(60_000),
      });
    } catch (err) {
      if (!(err instanceof TimeoutError) || attempt >= tries) throw err;
    }
  }
}

/**
 * Scratch consumers are named, so that nats.js creates them with the name in the subject
 * (CONSUMER.CREATE.<stream>.<name>), the only form deploy/nats/auth.conf grants; the
 * `replay-` prefix is one no service's permissions name, and the random rest unguessable.
 */
export const SCRATCH_CONSUMER_PREFIX = 'replay-';
const scratchConsumerName = () => `${SCRATCH_CONSUMER_PREFIX}${nuid.next()}`;

/** Fires once when progress() has not been called for `ms`. */
class StallWatch {
  fired = false;
  private last = Date.now();
  private readonly timer: NodeJS.Timeout;
  constructor(
    readonly ms: number,
    onStall: () => void,
  ) {
    this.timer = setInterval(
      () => {
        if (Date.now() - this.last < ms) return;
        this.fired = true;
        this.stop();
        onStall();
      },
      Math.min(ms, 1000),
    );
    this.timer.unref();
  }
  progress(): void {
    this.last = Date.now();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The stream sequence and the pending count of a delivery, read straight from its reply
 * subject: `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>[.<token>]`,
 * or the older form without domain and account. msg.info parses every field into an
 * object (split and five parseInt): a tenth of a replay's reading time for two numbers.
 * Any other shape goes to msg.info, which knows them all (and throws on a non-JetStream reply).
 */
export function deliveryOf(msg: JsMsg): { seq: number; pending: number } {
  // The JsMsg type does not declare the reply subject its implementation carries: absent, msg.info.
  const reply = (msg as unknown as { reply?: unknown }).reply;
  if (typeof reply !== 'string') return { seq: msg.info.streamSequence, pending: msg.info.pending };
  const dots: number[] = [];
  for (let i = reply.indexOf('.'); i >= 0 && dots.length < 12; i = reply.indexOf('.', i + 1)) dots.push(i);
  // Token k (0-based) runs from dots[k - 1] + 1 to dots[k]; the old form has 8 dots, the new 10 or 11.
  const shift = dots.length === 8 ? -2 : dots.length === 10 || dots.length === 11 ? 0 : null;
  if (shift === null || !reply.startsWith('$JS.ACK.')) return { seq: msg.info.streamSequence, pending: msg.info.pending };
  const token = (k: number) => reply.slice(dots[k + shift - 1] + 1, k + shift < dots.length ? dots[k + shift] : reply.length);
  const seq = Number(token(7));
  const pending = Number(token(10));
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(pending)) return { seq: msg.info.streamSequence, pending: msg.info.pending };
  return { seq, pending };
}

export interface StreamMessage<T> {
  subject: string;
  data: T;
  seq: number;
}

/** Every message of a stream (optionally one subject filter) as decoded JSON, in stream order: for tests and tools. */
export async function streamMessages<T = unknown>(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  filterSubject?: string,
): Promise<StreamMessage<T>[]> {
  const out: StreamMessage<T>[] = [];
  await readStream(js, jsm, { stream, filterSubject }, (m) => void out.push({ subject: m.subject, data: m.json<T>(), seq: m.seq }));
  return out;
}
