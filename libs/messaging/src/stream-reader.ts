import { AckPolicy, DeliverPolicy, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isStreamNotFound } from './jetstream-errors';

export interface StreamRead {
  /** Messages delivered to `onMessage`. */
  count: number;
  /** The stream's last sequence when the read started: the read stops there. */
  lastSeq: number;
}

export interface StreamReadOptions {
  stream: string;
  /** One subject filter; absent: every subject of the stream. */
  filterSubject?: string;
  /** Called once with how many messages the read will deliver (for progress bars). */
  onTotal?: (total: number) => void;
  batch?: number;
}

/**
 * Reads every message of a stream (or those matching one subject filter), from the first to
 * the stream's last sequence at the start of the read, through a throwaway pull
 * consumer without acks (nothing is acknowledged or changed on the stream). A single
 * filter subject, not filter_subjects: nats-server 2.9 knows only the former. The one
 * reader of the replay, the tests and the bench: a filter that matches nothing returns at
 * once (num_pending 0) instead of waiting for a message that never comes.
 */
export async function readStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  options: StreamReadOptions,
  onMessage: (msg: JsMsg) => void | Promise<void>,
): Promise<StreamRead> {
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
  if (info.state.messages === 0) {
    options.onTotal?.(0);
    return { count: 0, lastSeq };
  }
  const ci = await jsm.consumers.add(options.stream, {
    ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    mem_storage: true,
    inactive_threshold: nanos(60_000),
  });
  let count = 0;
  try {
    options.onTotal?.(ci.num_pending);
    if (ci.num_pending === 0) return { count, lastSeq };
    const consumer = await js.consumers.get(options.stream, ci.name);
    const messages = await consumer.consume({ max_messages: options.batch ?? 8192 });
    try {
      for await (const msg of messages) {
        const { seq, pending } = deliveryOf(msg);
        if (seq > lastSeq) break;
        count++;
        const done = onMessage(msg);
        if (done) await done;
        if (seq >= lastSeq || pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    return { count, lastSeq };
  } finally {
    await jsm.consumers.delete(options.stream, ci.name).catch(() => undefined);
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
