import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { eventIds } from '@calm/contracts';
import { answersOk, freshDatabase, queryDatabase, ServiceProcess, startServiceProcess, TestDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { OtlpReceiver, ReceivedSpan, tracingEnv } from '../support/otlp-receiver';

/**
 * One account's trace across both services and the broker, from the spans the built
 * services (child processes, tracing on through the standard OTEL_* variables) export to
 * an OTLP/HTTP receiver in this test.
 */
let nats: TestNatsServer;
let receiver: OtlpReceiver;
let accountsDb: TestDatabase;
let customersDb: TestDatabase;
let accounts: ServiceProcess;
let customers: ServiceProcess;

beforeAll(async () => {
  [nats, receiver, accountsDb, customersDb] = await Promise.all([
    startNatsServer(),
    OtlpReceiver.start(),
    freshDatabase('traces_acc'),
    freshDatabase('traces_cus'),
  ]);
  // A short ack wait: the redelivery test's second delivery comes after one second.
  const env = { NATS_URL: nats.url, LOG_LEVEL: 'debug', CONSUMER_ACK_WAIT_SECONDS: '1', ...tracingEnv(receiver) };
  [accounts, customers] = await Promise.all([
    startServiceProcess({
      entry: 'dist/apps/accounts/src/main.js',
      portVariable: 'ACCOUNTS_HTTP_PORT',
      env: { ...env, ACCOUNTS_DATABASE_URL: accountsDb.url },
      ready: answersOk('/health/ready'),
    }),
    startServiceProcess({
      entry: 'dist/apps/customers/src/main.js',
      portVariable: 'CUSTOMERS_HTTP_PORT',
      env: { ...env, CUSTOMERS_DATABASE_URL: customersDb.url },
      ready: answersOk('/health/ready'),
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([accounts?.stop(), customers?.stop()]);
  await Promise.all([accountsDb?.drop(), customersDb?.drop(), receiver?.stop(), nats?.stop()]);
});

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const span = (what: string, match: (s: ReceivedSpan) => boolean) => waitFor(what, async () => receiver.spans.find(match), 20_000);
const traceparentOf = (s: ReceivedSpan) => `00-${s.traceId}-${s.spanId}-01`;
/** The span id a stored traceparent names. */
const spanIdOf = (traceparent: string) => traceparent.split('-')[2];
const openingTrace = async (accountId: string) =>
  (await queryDatabase<{ traceparent: string }>(accountsDb.url, `SELECT traceparent FROM outbox WHERE event_id = $1`, [eventIds.accountOpened(accountId)]))[0]
    .traceparent;

describe('one account, traced from the customer POST to account.validated', () => {
  it('account first, then customer: the customer path completes the join in the POST /customers trace', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await post(accounts.url, '/accounts', { accountId, customerId })).status).toBe(201);
    expect((await post(customers.url, '/customers', { customerId, name: 'Ada', email: 'ada@example.com' })).status).toBe(201);

    const createdId = eventIds.customerCreated(customerId);
    const send = await span('the customer.created publish', (s) => s.name === 'send customer.created' && s.attributes['messaging.message.id'] === createdId);
    const trace = send.traceId;
    const postSpan = await span('the POST /customers server span', (s) => s.service === 'calm-customers' && s.kind === 2 && s.traceId === trace);
    expect(postSpan).toMatchObject({ name: 'POST', parentSpanId: '', attributes: expect.objectContaining({ 'url.path': '/customers' }) });

    // The outbox row keeps the POST's context; the publish continues it.
    const [row] = await queryDatabase<{ traceparent: string }>(customersDb.url, `SELECT traceparent FROM outbox WHERE event_id = $1`, [createdId]);
    expect(row.traceparent).toBe(traceparentOf(postSpan));
    expect(send).toMatchObject({ service: 'calm-customers', kind: 4, parentSpanId: postSpan.spanId });
    expect(send.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': `customer.created.${customerId}`,
      'messaging.operation.type': 'send',
    });

    const consumer = await span(
      'the account service consumer span linked to it',
      (s) => s.service === 'calm-accounts' && s.kind === 5 && s.links.some((l) => l.spanId === send.spanId),
    );
    expect(consumer.name).toBe('process CUSTOMERS');
    expect(consumer.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': 'CUSTOMERS', 'messaging.operation.type': 'process' });
    expect(consumer.links.find((l) => l.spanId === send.spanId)).toMatchObject({ traceId: trace, attributes: { 'messaging.message.id': createdId } });

    const converge = await span('the convergence span', (s) => s.name === 'converge account' && s.attributes['calm.account.id'] === accountId);
    expect(converge).toMatchObject({ service: 'calm-accounts', traceId: trace, parentSpanId: send.spanId });
    expect(converge.attributes).toMatchObject({ 'calm.customer.id': customerId, 'calm.join.path': 'customer-created', 'calm.join.outcome': 'valid' });
    expect(converge.links.map((l) => l.spanId)).toContain(consumer.spanId);
    // Linked to the other fact: the POST /accounts that opened the account, in its own trace.
    expect(converge.links.map((l) => l.spanId)).toContain(spanIdOf(await openingTrace(accountId)));
    expect(converge.endMs - converge.startMs).toBe(converge.attributes['calm.convergence_ms']);
    // From the first fact, the account's opening.
    const [{ opened_at }] = await queryDatabase<{ opened_at: Date }>(accountsDb.url, `SELECT opened_at FROM account WHERE account_id = $1`, [accountId]);
    expect(converge.startMs).toBe(opened_at.getTime());

    const validatedId = eventIds.accountValidated(accountId);
    const validated = await span(
      'the account.validated publish',
      (s) => s.name === 'send account.validated' && s.attributes['messaging.message.id'] === validatedId,
    );
    expect(validated).toMatchObject({ service: 'calm-accounts', traceId: trace, parentSpanId: converge.spanId });
    const [outcome] = await queryDatabase<{ traceparent: string }>(accountsDb.url, `SELECT traceparent FROM outbox WHERE event_id = $1`, [validatedId]);
    expect(outcome.traceparent).toBe(traceparentOf(converge));

    // pino: the lines written inside the POST's spans carry its trace id.
    expect(customers.output()).toMatch(new RegExp(`"trace_id":"${trace}"`));
    // For the picture in docs/operations.md (scripts/trace-waterfall.js): the spans as collected.
    if (process.env.CALM_TRACE_DUMP) writeFileSync(process.env.CALM_TRACE_DUMP, JSON.stringify({ traceId: trace, spans: receiver.spans }));
  });

  it('customer first, then account: the account path completes the join in the POST /accounts trace', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await post(customers.url, '/customers', { customerId, name: 'Grace', email: 'grace@example.com' })).status).toBe(201);
    const createdId = eventIds.customerCreated(customerId);
    const send = await span('the customer.created publish', (s) => s.name === 'send customer.created' && s.attributes['messaging.message.id'] === createdId);
    await span(
      'the account service consumer span linked to it',
      (s) => s.service === 'calm-accounts' && s.kind === 5 && s.links.some((l) => l.spanId === send.spanId),
    );
    const opened = await post(accounts.url, '/accounts', { accountId, customerId });
    expect(opened.status).toBe(201);
    expect(((await opened.json()) as { status: string }).status).toBe('valid');

    const validatedId = eventIds.accountValidated(accountId);
    const validated = await span(
      'the account.validated publish',
      (s) => s.name === 'send account.validated' && s.attributes['messaging.message.id'] === validatedId,
    );
    const postSpan = await span('the POST /accounts server span', (s) => s.service === 'calm-accounts' && s.kind === 2 && s.traceId === validated.traceId);
    expect(postSpan).toMatchObject({ name: 'POST', parentSpanId: '', attributes: expect.objectContaining({ 'url.path': '/accounts' }) });
    expect(validated).toMatchObject({ service: 'calm-accounts', kind: 4, parentSpanId: postSpan.spanId });
    const rows = await queryDatabase<{ event_id: string; traceparent: string }>(
      accountsDb.url,
      `SELECT event_id, traceparent FROM outbox WHERE event_id = ANY($1) ORDER BY id`,
      [[eventIds.accountOpened(accountId), validatedId]],
    );
    expect(rows).toEqual([
      { event_id: eventIds.accountOpened(accountId), traceparent: traceparentOf(postSpan) },
      { event_id: validatedId, traceparent: traceparentOf(postSpan) },
    ]);
    const converge = await span('the convergence span', (s) => s.name === 'converge account' && s.attributes['calm.account.id'] === accountId);
    expect(converge).toMatchObject({ service: 'calm-accounts', traceId: postSpan.traceId, parentSpanId: postSpan.spanId });
    expect(converge.attributes).toMatchObject({ 'calm.customer.id': customerId, 'calm.join.path': 'account-opened', 'calm.join.outcome': 'valid' });
    // Linked to the other fact (the customer.created as published), and measured from it, the first fact.
    expect(converge.links.map((l) => l.spanId)).toContain(send.spanId);
    const [{ created_at }] = await queryDatabase<{ created_at: Date }>(accountsDb.url, `SELECT created_at FROM known_customer WHERE customer_id = $1`, [
      customerId,
    ]);
    expect(converge.startMs).toBe(created_at.getTime());
    expect(converge.endMs - converge.startMs).toBe(converge.attributes['calm.convergence_ms']);
  });

  it('across a restart: a customer.created that waited in the stream while the account service was down still continues its trace', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await post(accounts.url, '/accounts', { accountId, customerId })).status).toBe(201);
    expect(await accounts.terminate()).toEqual({ code: 0, signal: null });
    expect((await post(customers.url, '/customers', { customerId, name: 'Lin', email: 'lin@example.com' })).status).toBe(201);
    const send = await span(
      'the customer.created publish',
      (s) => s.name === 'send customer.created' && s.attributes['messaging.message.id'] === eventIds.customerCreated(customerId),
    );
    // The fact is in the stream, not applied: the account service was down when it was published.
    expect(await queryDatabase(accountsDb.url, `SELECT status FROM account WHERE account_id = $1`, [accountId])).toEqual([{ status: 'pending' }]);
    await accounts.restart();

    const consumer = await span(
      'the restarted consumer span linked to it',
      (s) => s.service === 'calm-accounts' && s.kind === 5 && s.links.some((l) => l.spanId === send.spanId),
    );
    const converge = await span('the convergence span', (s) => s.name === 'converge account' && s.attributes['calm.account.id'] === accountId);
    expect(converge).toMatchObject({
      traceId: send.traceId,
      parentSpanId: send.spanId,
      attributes: expect.objectContaining({ 'calm.join.path': 'customer-created' }),
    });
    expect(converge.links.map((l) => l.spanId)).toContain(consumer.spanId);
    const validated = await span(
      'the account.validated publish',
      (s) => s.name === 'send account.validated' && s.attributes['messaging.message.id'] === eventIds.accountValidated(accountId),
    );
    expect(validated).toMatchObject({ traceId: send.traceId, parentSpanId: converge.spanId });
    expect(converge.links.map((l) => l.spanId)).toContain(spanIdOf(await openingTrace(accountId)));
    expect(consumer.links.find((l) => l.spanId === send.spanId)?.attributes).toMatchObject({ 'messaging.nats.message.delivery_count': 1 });
  });

  it('across a redelivery: a customer.created whose first delivery failed is applied on the second, in its trace, and its span says so', async () => {
    const [accountId, customerId] = [randomUUID(), randomUUID()];
    expect((await post(accounts.url, '/accounts', { accountId, customerId })).status).toBe(201);
    // The database refuses this customer's replica row once (an error that is neither an
    // outage nor bad data: the transport leaves the message for the server to redeliver).
    await queryDatabase(
      accountsDb.url,
      `CREATE FUNCTION refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
       CREATE TRIGGER refuse_once BEFORE INSERT ON known_customer FOR EACH ROW WHEN (NEW.customer_id = '${customerId}') EXECUTE FUNCTION refuse_once()`,
    );
    expect((await post(customers.url, '/customers', { customerId, name: 'Kay', email: 'kay@example.com' })).status).toBe(201);
    const send = await span(
      'the customer.created publish',
      (s) => s.name === 'send customer.created' && s.attributes['messaging.message.id'] === eventIds.customerCreated(customerId),
    );
    const deliveredAs = (n: number) => (s: ReceivedSpan) =>
      s.service === 'calm-accounts' &&
      s.kind === 5 &&
      s.links.some((l) => l.spanId === send.spanId && l.attributes['messaging.nats.message.delivery_count'] === n);
    await span('the first delivery, refused', deliveredAs(1));
    await queryDatabase(accountsDb.url, `DROP TRIGGER refuse_once ON known_customer; DROP FUNCTION refuse_once()`);

    const converge = await span('the convergence span', (s) => s.name === 'converge account' && s.attributes['calm.account.id'] === accountId);
    expect(converge).toMatchObject({ traceId: send.traceId, parentSpanId: send.spanId });
    expect(converge.links.map((l) => l.spanId)).toContain(spanIdOf(await openingTrace(accountId)));
    // The consumer span that applied it is a later delivery of the same message (2, or more when
    // the trigger was dropped after the second came), linked to the same publish.
    const applying = receiver.spans.find((s) => s.kind === 5 && converge.links.some((l) => l.spanId === s.spanId));
    const delivery = applying?.links.find((l) => l.spanId === send.spanId)?.attributes['messaging.nats.message.delivery_count'];
    expect(delivery).toBeGreaterThan(1);
    expect(applying?.attributes['messaging.nats.message.delivery_count']).toBe(delivery);
    const validated = await span(
      'the account.validated publish',
      (s) => s.name === 'send account.validated' && s.attributes['messaging.message.id'] === eventIds.accountValidated(accountId),
    );
    expect(validated).toMatchObject({ traceId: send.traceId, parentSpanId: converge.spanId });
  });
});
