import { randomUUID } from 'node:crypto';
import { JetStreamManager } from '@nats-io/jetstream';
import { NatsConnection, nanos } from '@nats-io/transport-node';
import { StorageType } from '@nats-io/jetstream';
import { accountValidated, subjectOf } from '@calm/contracts';
import { OUTBOX_RELAY_BATCH, PubAckCollector } from '@calm/outbox';

/**
 * The raw JetStream limit of the relay's stage: n account.validated events (the real
 * JSON, so the same size) published with Nats-Msg-Id = event id, a window of
 * OUTBOX_RELAY_BATCH at a time with every PubAck awaited before the next window, through
 * the relay's own PubAckCollector; no database. Into a scratch stream configured like the
 * service's (file storage, the same 2-minute dedupe window), deleted afterwards, so the
 * ACCOUNTS stream the replay phase reads holds only real events.
 */
export async function rawPublishPerS(nc: NatsConnection, jsm: JetStreamManager, n: number, window = OUTBOX_RELAY_BATCH): Promise<number> {
  const stream = `BENCH_PUBLISH_${randomUUID().slice(0, 8)}`;
  const prefix = `bench-publish.${stream}`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], storage: StorageType.File, num_replicas: 1, duplicate_window: nanos(120_000) });
  try {
    const time = new Date().toISOString();
    const messages = Array.from({ length: n }, () => {
      const event = accountValidated({ accountId: randomUUID(), customerId: randomUUID(), validatedAt: time }, time);
      return { subject: `${prefix}.${subjectOf('account.validated', event.data.accountId)}`, data: JSON.stringify(event), msgID: event.id };
    });
    const acks = new PubAckCollector();
    const started = performance.now();
    for (let i = 0; i < n; i += window) {
      const results = await acks.publishAll(nc, messages.slice(i, i + window), 10_000);
      const failed = results.find((r) => r instanceof Error);
      if (failed) throw new Error(`raw publish: ${(failed as Error).message}`);
    }
    return n / ((performance.now() - started) / 1000);
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
}
