import { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

/** Every message on a stream (optionally one subject filter), via an ordered consumer. */
export async function readStream<T = unknown>(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  filter?: string,
): Promise<{ subject: string; data: T; seq: number }[]> {
  const info = await jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await js.consumers.get(stream, filter ? { filter_subjects: filter } : {});
  const out: { subject: string; data: T; seq: number }[] = [];
  const iter = await consumer.consume();
  for await (const m of iter) {
    out.push({ subject: m.subject, data: m.json<T>(), seq: m.seq });
    if (m.seq >= info.state.last_seq || m.info.pending === 0) break;
  }
  await iter.close();
  return out;
}
