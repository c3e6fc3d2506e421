import { AckPolicy, DeliverPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { consumers, streams } from '@calm/contracts';
import { isConsumerNotFound, isStreamNotFound } from '@calm/jetstream';
import { waitFor } from '@calm/testing';
import { TestSystem } from '../support/system';

/**
 * Production NATS settings the services apply at start: consumer settings brought up
 * to date, "not found" told apart by the JetStream API's error codes. (Stream replicas
 * on a cluster: faults-cluster.e2e-spec.ts; NATS_STREAM_REPLICAS parsing: stream-replicas.spec.ts.)
 */
jest.setTimeout(180_000);

describe('JetStream "not found" by error code', () => {
  let system: TestSystem;
  beforeAll(async () => void (system = await TestSystem.start('notfound')));
  afterAll(() => system?.stop());

  it('tells a missing stream and a missing consumer from other API errors', async () => {
    const missingStream = await system.jsm.streams.info('NO_SUCH_STREAM').catch((e: unknown) => e);
    expect(isStreamNotFound(missingStream)).toBe(true);
    expect(isConsumerNotFound(missingStream)).toBe(false);

    await system.jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'], storage: StorageType.Memory });
    const missingConsumer = await system.jsm.consumers.info('PROBE', 'no-such-consumer').catch((e: unknown) => e);
    expect(isConsumerNotFound(missingConsumer)).toBe(true);
    expect(isStreamNotFound(missingConsumer)).toBe(false);

    // Another API error (a second stream on the same subjects) is neither.
    const overlap = await system.jsm.streams.add({ name: 'PROBE2', subjects: ['probe.>'], storage: StorageType.Memory }).catch((e: unknown) => e);
    expect(overlap).toBeInstanceOf(Error);
    expect(isStreamNotFound(overlap) || isConsumerNotFound(overlap)).toBe(false);
  });
});

describe('consumer settings at start', () => {
  let system: TestSystem;
  beforeAll(async () => void (system = await TestSystem.start('consumerupdate')));
  afterAll(() => system?.stop());

  it('updates an existing durable consumer whose settings changed, keeping its position', async () => {
    // The consumer as an older release left it, with one event already delivered and acked.
    await system.jsm.streams.add({ name: streams.customers.name, subjects: [...streams.customers.subjects], storage: StorageType.File });
    await system.jsm.consumers.add(streams.customers.name, {
      durable_name: consumers.validateAccountsWhenCustomerCreated.durable,
      filter_subject: consumers.validateAccountsWhenCustomerCreated.filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(120_000),
      max_deliver: 3,
      max_ack_pending: 7,
    });
    await system.publishCustomerCreated('0b6f3a4e-5c8d-4e1f-9a2b-3c4d5e6f7a8b');
    const old = await system.js.consumers.get(streams.customers.name, consumers.validateAccountsWhenCustomerCreated.durable);
    (await old.next({ expires: 5000 }))!.ack();
    await system.nc.flush();

    await system.startAccounts({ consumer: { ackWaitMs: 3000, maxDeliver: 4, backoffMs: [3000, 5000, 8000] } });
    // The consumer attaches in the background once the database is ready.
    const info = await waitFor(
      'the consumer update',
      async () => {
        const i = await system.jsm.consumers.info(streams.customers.name, consumers.validateAccountsWhenCustomerCreated.durable);
        return i.config.max_deliver === 4 ? i : undefined;
      },
      60_000,
    );
    expect(info.config).toMatchObject({ ack_wait: nanos(3000), max_deliver: 4, backoff: [nanos(3000), nanos(5000), nanos(8000)] });
    expect(info.config.max_ack_pending).not.toBe(7);
    expect(info.delivered.stream_seq).toBe(1);
    expect(info.ack_floor.stream_seq).toBe(1);
  });
});
