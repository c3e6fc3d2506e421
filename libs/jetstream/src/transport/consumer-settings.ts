import { ConsumerConfig } from '@nats-io/jetstream';

/** The settings of a durable consumer that a service may change on a running stream. */
export type TunableConsumerSettings = Pick<ConsumerConfig, 'ack_wait' | 'max_deliver' | 'backoff' | 'max_ack_pending'>;

/**
 * What differs between a consumer's current settings and the ones this release wants,
 * or undefined when nothing does. Only settings the server lets an update change are
 * compared; the consumer's identity (filter, deliver and ack policy) stays as created.
 */
export function changedConsumerSettings(current: Partial<ConsumerConfig>, wanted: TunableConsumerSettings): Partial<TunableConsumerSettings> | undefined {
  const changes: Partial<TunableConsumerSettings> = {};
  if (current.ack_wait !== wanted.ack_wait) changes.ack_wait = wanted.ack_wait;
  if (current.max_deliver !== wanted.max_deliver) changes.max_deliver = wanted.max_deliver;
  if (current.max_ack_pending !== wanted.max_ack_pending) changes.max_ack_pending = wanted.max_ack_pending;
  if (JSON.stringify(current.backoff ?? []) !== JSON.stringify(wanted.backoff ?? [])) changes.backoff = wanted.backoff;
  return Object.keys(changes).length ? changes : undefined;
}
