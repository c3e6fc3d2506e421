import type { LoggerService } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isConsumerNotFound } from '../jetstream-errors';
import { MAX_EVENT_BYTES } from '../nats-client';
import { changedConsumerSettings, TunableConsumerSettings } from './consumer-settings';

/** The consumer settings a release may change on an existing durable consumer. */
export function tunableSettings(o: {
  ackWaitMs: number;
  maxDeliver: number;
  backoffMs: number[];
  maxAckPending?: number;
  maxBufferBytes?: number;
}): TunableConsumerSettings {
  return {
    ack_wait: nanos(o.ackWaitMs),
    max_deliver: o.maxDeliver,
    backoff: o.backoffMs.map((ms) => nanos(ms)),
    max_ack_pending: o.maxAckPending ?? Math.max(1, Math.floor((o.maxBufferBytes ?? 128 * 1024 * 1024) / MAX_EVENT_BYTES)),
  };
}

/**
 * Creates the durable consumer when missing. An existing one whose tunable settings
 * (ack wait, deliveries, backoff, max ack pending) differ from this release's is
 * updated in place, keeping its position and pending acks.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  { stream, durable, filterSubject }: { stream: string; durable: string; filterSubject: string },
  tunable: TunableConsumerSettings,
  logger: Pick<LoggerService, 'log'>,
): Promise<void> {
  try {
    const info = await jsm.consumers.info(stream, durable);
    const changes = changedConsumerSettings(info.config, tunable);
    if (changes) {
      await jsm.consumers.update(stream, durable, changes);
      logger.log(`updated consumer ${durable} on ${stream}: ${Object.keys(changes).join(', ')}`);
    }
    return;
  } catch (err) {
    if (!isConsumerNotFound(err)) throw err;
  }
  await jsm.consumers.add(stream, {
    durable_name: durable,
    filter_subject: filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...tunable,
  });
  logger.log(`created consumer ${durable} on ${stream} (${filterSubject})`);
}
