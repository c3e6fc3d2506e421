import { AckPolicy, DeliverPolicy, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isStreamNotFound } from '@calm/messaging';

export interface StreamRead {
  /** Messages delivered to `onMessage`. */
  count: number;
  /** The stream's last sequence when the read started: the read stops there. */
  lastSeq: number;
}

export interface StreamReadOptions {
  stream: string;
  filterSubject: string;
  /** Called once with how many messages the read will deliver (for progress bars). */
  onTotal?: (total: number) => void;
  batch?: number;
}

/**
 * Reads every message of a stream that matches one subject filter, from the first to
 * the stream's last sequence at the start of the read, through a throwaway pull
 * consumer without acks (nothing is acknowledged or changed on the stream). A single
 * filter subject, not filter_subjects: nats-server 2.9 knows only the former.
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
    filter_subject: options.filterSubject,
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
        if (msg.seq > lastSeq) break;
        count++;
        const done = onMessage(msg);
        if (done) await done;
        if (msg.seq >= lastSeq || msg.info.pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
    return { count, lastSeq };
  } finally {
    await jsm.consumers.delete(options.stream, ci.name).catch(() => undefined);
  }
}
