import { randomUUID } from 'node:crypto';
import { SpanKind, SpanContext, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { CloudEvent, eventIds, streams } from '@calm/contracts';
import { NatsClient } from '@calm/jetstream';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { OutboxRelay, RetentionSweeper } from '@calm/outbox';
import { Database } from '@calm/pg';
import { markTracingStarted } from '@calm/tracing';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { customersMigrations } from '../../../../migrations/customers';
import { askOwner } from '../../../accounts/src/resolve-shells/ask-owner';
import { CustomerOrmEntity } from '../persistence/customer.orm-entity';
import { CustomerStore } from '../persistence/customer.store';
import { ResolveCustomerResponder } from './resolve-customer.responder';

/**
 * customers.resolve with tracing on (the SDK with an in-memory exporter): a stale shell's
 * question whose answer is a decision the outbox retention already deleted. The owner
 * writes the decision's row again; it must be published in the trace of the work that made
 * the decision (kept with the customer row), and the resolve itself must be a span of its
 * own linked to the asker's context (NATS headers).
 */
let nats: TestNatsServer;
let dbInfo: TestDatabase;
let db: Database;
let client: NatsClient;
let relay: OutboxRelay;
let store: CustomerStore;
let responder: ResolveCustomerResponder;
let sdk: NodeSDK;
const exporter = new InMemorySpanExporter();
const DEDUPE_MS = 300;

beforeAll(async () => {
  sdk = new NodeSDK({ serviceName: 'calm-customers', spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [] });
  sdk.start();
  markTracingStarted();
  [nats, dbInfo] = await Promise.all([startNatsServer(), freshDatabase('resolve_traces')]);
  db = new Database({ name: 'resolve-traces', url: dbInfo.url, migrations: customersMigrations, entities: [CustomerOrmEntity] });
  // A short dedupe window: the requeued copy, published after it, is stored as a new message.
  client = new NatsClient({ name: 'resolve-traces', servers: [nats.url], streams: [streams.customers], duplicateWindowMs: DEDUPE_MS });
  await Promise.all([db.ready, client.ready]);
  relay = new OutboxRelay(db, client);
  store = new CustomerStore(db, relay);
  responder = new ResolveCustomerResponder(client, store, () => new Date());
  responder.onApplicationBootstrap();
  await client.nc.flush();
});
afterAll(async () => {
  await responder?.beforeApplicationShutdown();
  await client?.close();
  await db?.close();
  await Promise.all([nats?.stop(), dbInfo?.drop(), sdk?.shutdown()]);
});

const tracer = () => trace.getTracer('resolve-traces-test');
const publishAll = async () => {
  while ((await relay.publishBatch()) > 0);
};
/** What retention does to published rows once they are past the horizon; then the dedupe window passes. */
const purgeOutbox = async () => {
  await new RetentionSweeper(db, { outboxMs: 0 }).sweep();
  expect(await queryDatabase(dbInfo.url, `SELECT event_id FROM outbox`)).toEqual([]);
  await new Promise((r) => setTimeout(r, DEDUPE_MS + 100));
};
const spans = (name: string, attribute: string, value: string) =>
  exporter.getFinishedSpans().filter((s) => s.name === name && s.attributes[attribute] === value);
const ids = (c: SpanContext | undefined) => c && [c.traceId, c.spanId];
/** The stream's copy of a subject's last message: its traceparent header and CloudEvents attribute. */
async function lastPublished(subject: string): Promise<{ header: string; attribute: string | undefined }> {
  const m = await client.jsm.streams.getMessage(streams.customers.name, { last_by_subj: subject });
  return { header: m!.header.get('traceparent'), attribute: (m!.json<CloudEvent>() as CloudEvent & { traceparent?: string }).traceparent };
}
const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

/** The one resolve span of an id: a consumer span of customers.resolve, linked to the asker's span. */
function responderSpan(customerId: string, asker: ReadableSpan): ReadableSpan {
  const [span, ...more] = spans('process customers.resolve', 'calm.customer.id', customerId);
  expect(more).toEqual([]);
  expect(span.kind).toBe(SpanKind.CONSUMER);
  expect(span.attributes).toMatchObject({
    'messaging.system': 'nats',
    'messaging.operation.type': 'process',
    'messaging.destination.name': 'customers.resolve',
  });
  expect(span.links.map((l) => ids(l.context))).toEqual([ids(asker.spanContext())]);
  return span;
}

it('a created customer whose event the retention deleted is announced again in the trace of its POST; the resolve is a span linked to its asker', async () => {
  const customerId = randomUUID();
  const post = await tracer().startActiveSpan('POST', { kind: SpanKind.SERVER }, async (span) => {
    await store.create({ customerId, name: 'Ada', email: 'ada@example.com' }, new Date());
    span.end();
    return span;
  });
  await publishAll();
  await purgeOutbox();
  exporter.reset();

  const answer = await askOwner(client.nc, customerId, 5000);
  expect(answer).toMatchObject({ decided: true, decision: { customerId, state: 'created' } });
  await publishAll();

  const [asker] = spans('send customers.resolve', 'calm.customer.id', customerId);
  expect(asker?.kind).toBe(SpanKind.PRODUCER);
  responderSpan(customerId, asker);
  const [send, ...more] = spans('send customer.created', 'messaging.message.id', eventIds.customerCreated(customerId));
  expect(more).toEqual([]);
  expect([send.spanContext().traceId, send.parentSpanContext?.spanId]).toEqual(ids(post.spanContext()));
  const published = await lastPublished(`customer.created.${customerId}`);
  expect([traceIdOf(published.header), traceIdOf(published.attribute)]).toEqual([post.spanContext().traceId, post.spanContext().traceId]);
});

it('an id the resolve sealed keeps that resolve as its decision: asked again after retention, its customer.sealed comes again in the first resolve trace', async () => {
  const customerId = randomUUID();
  expect(await askOwner(client.nc, customerId, 5000)).toMatchObject({ decided: true, decision: { customerId, state: 'sealed' } });
  await publishAll();
  const [firstAsker] = spans('send customers.resolve', 'calm.customer.id', customerId);
  const sealing = responderSpan(customerId, firstAsker);
  const sealedId = eventIds.customerSealed(customerId);
  expect(spans('send customer.sealed', 'messaging.message.id', sealedId).map((s) => s.parentSpanContext?.spanId)).toEqual([sealing.spanContext().spanId]);
  await purgeOutbox();
  exporter.reset();

  expect(await askOwner(client.nc, customerId, 5000)).toMatchObject({ decided: true, decision: { customerId, state: 'sealed' } });
  await publishAll();
  const [again] = spans('send customer.sealed', 'messaging.message.id', sealedId);
  expect([again.spanContext().traceId, again.parentSpanContext?.spanId]).toEqual(ids(sealing.spanContext()));
  expect(traceIdOf((await lastPublished(`customer.sealed.${customerId}`)).header)).toBe(sealing.spanContext().traceId);
});

it('a decision made outside any trace keeps no context: its row has none, and its requeue is published in the resolve trace', async () => {
  const customerId = randomUUID();
  await store.create({ customerId, name: 'Grace', email: 'grace@example.com' }, new Date());
  expect(await queryDatabase(dbInfo.url, `SELECT traceparent, tracestate FROM customer WHERE customer_id = $1`, [customerId])).toEqual([
    { traceparent: null, tracestate: null },
  ]);
  await publishAll();
  await purgeOutbox();
  exporter.reset();

  await askOwner(client.nc, customerId, 5000);
  await publishAll();
  const [asker] = spans('send customers.resolve', 'calm.customer.id', customerId);
  const resolving = responderSpan(customerId, asker);
  const [send] = spans('send customer.created', 'messaging.message.id', eventIds.customerCreated(customerId));
  expect(send.parentSpanContext?.spanId).toBe(resolving.spanContext().spanId);
});
