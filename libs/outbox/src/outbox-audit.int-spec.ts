import { randomUUID } from 'node:crypto';
import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { markTracingStarted } from '@calm/tracing';
import { accountsMigrations } from '../../../migrations/accounts';
import { NatsClient } from '@calm/jetstream';
import { enqueueEvents, OutboxRelay } from './outbox';
import { OutboxAudit } from './outbox-audit';

let nats: TestNatsServer;
let dbInfo: TestDatabase;
let db: Database;
let client: NatsClient;
let relay: OutboxRelay;
const redriven: number[] = [];
const gaps: number[] = [];
let audit: OutboxAudit;

beforeAll(async () => {
  [nats, dbInfo] = await Promise.all([startNatsServer(), freshDatabase('outbox_audit')]);
  db = new Database({ name: 'audit-test', url: dbInfo.url, migrations: accountsMigrations });
  // A short dedupe window: a message deleted from the stream is still in the window, and its republish would be "a duplicate".
  client = new NatsClient({ name: 'audit-test', servers: [nats.url], streams: [{ name: 'ACCOUNTS', subjects: ['account.>'] }], duplicateWindowMs: 300 });
  await Promise.all([db.ready, client.ready]);
  relay = new OutboxRelay(db, client);
  audit = new OutboxAudit(db, () => client.jsm, { stream: 'ACCOUNTS', onRedriven: (n) => redriven.push(n), onGap: (n) => gaps.push(n) });
});
afterAll(async () => {
  await client.close();
  await db.close();
  await nats.stop();
  await dbInfo.drop();
});

const event = (id: string) => ({
  subject: `account.opened.${id}`,
  event: { specversion: '1.0' as const, id, source: '/accounts', type: 'account.opened', data: { accountId: id } },
});

async function publish(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await db.transaction((m) => enqueueEvents(m, ids.map(event)));
  while ((await relay.publishBatch()) > 0);
  return ids;
}

const recorded = (): Promise<{ event_id: string; stream: string | null; stream_seq: string | null; published: boolean }[]> =>
  queryDatabase(dbInfo.url, `SELECT event_id, stream, stream_seq, published_at IS NOT NULL AS published FROM outbox ORDER BY id`);

async function storedIds(): Promise<string[]> {
  const info = await client.jsm.streams.info('ACCOUNTS');
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await client.jsm.streams.getMessage('ACCOUNTS', { seq });
    if (m) ids.push(m.header!.get('Nats-Msg-Id'));
  }
  return ids;
}

it('the relay records the stream and sequence of each PubAck, and a whole stream audits clean', async () => {
  const ids = await publish(5);
  const rows = await recorded();
  expect(rows.map((r) => [r.event_id, r.stream, Number(r.stream_seq)])).toEqual(ids.map((id, i) => [id, 'ACCOUNTS', i + 1]));
  expect(await audit.audit()).toEqual({ evidence: [], redriven: 0 });
});

it('re-drives exactly the event whose recorded sequence no longer holds it', async () => {
  const before = await recorded();
  await client.jsm.streams.deleteMessage('ACCOUNTS', 3);
  const result = await audit.audit();
  expect(result.evidence.join('; ')).toMatch(/removed from inside/);
  expect(result.redriven).toBe(1);
  expect((await recorded()).filter((r) => !r.published).map((r) => r.event_id)).toEqual([before[2].event_id]);
  await new Promise((r) => setTimeout(r, 400));
  while ((await relay.publishBatch()) > 0);
  expect((await storedIds()).sort()).toEqual(before.map((r) => r.event_id).sort());
  expect((await audit.audit()).evidence).toEqual([]);
});

it('a stream that forgot its tail and handed its sequences out again: every lost event is re-driven once, the gap closes', async () => {
  const kept = await recorded();
  // The broker forgets everything after seq 2: the stream is made again up to there,
  // then other publishers' messages take the sequences the lost events had.
  const first = await storedIds();
  await client.jsm.streams.delete('ACCOUNTS');
  await client.jsm.streams.add({ name: 'ACCOUNTS', subjects: ['account.>'], duplicate_window: 300_000_000 });
  const sent = first.slice(0, 2);
  for (const id of sent) await client.js.publish(`account.opened.${id}`, JSON.stringify(event(id).event), { msgID: id });
  for (let i = 0; i < 3; i++) await client.js.publish(`account.opened.other`, '{}', { msgID: randomUUID() });
  const lost = kept.filter((r) => !sent.includes(r.event_id)).map((r) => r.event_id);
  expect(lost.length).toBeGreaterThan(0);
  const result = await audit.audit();
  expect(result.evidence.length).toBeGreaterThan(0);
  expect(result.redriven).toBe(lost.length);
  expect(gaps.at(-1)).toBe(lost.length);
  while ((await relay.publishBatch()) > 0);
  expect((await audit.audit()).evidence).toEqual([]);
  expect(gaps.at(-1)).toBe(0);
  const stored = await storedIds();
  for (const r of kept) expect(stored.filter((id) => id === r.event_id)).toHaveLength(1);
  expect(redriven.reduce((a, b) => a + b, 0)).toBe(1 + lost.length);
});

it('a whole stream audits clean even when a PubAck is recorded while the audit reads the stream (no false loss on a healthy broker)', async () => {
  await publish(2);
  const jsm = client.jsm;
  let raced = 0;
  // The stream's info is taken, then, before the audit reads the outbox, the relay publishes
  // and records one more event: the order in which a live relay and the audit interleave.
  const racing = new Proxy(jsm, {
    get(target, prop, receiver) {
      if (prop !== 'streams') return Reflect.get(target, prop, receiver);
      return new Proxy(target.streams, {
        get(streams, p, r) {
          if (p !== 'info') return Reflect.get(streams, p, r);
          return async (name: string) => {
            const info = await streams.info(name);
            if (raced++ === 0) await publish(1);
            return info;
          };
        },
      });
    },
  });
  const racingAudit = new OutboxAudit(db, () => racing, { stream: 'ACCOUNTS' });
  const result = await racingAudit.audit();
  expect(raced).toBeGreaterThan(0);
  expect(result).toEqual({ evidence: [], redriven: 0 });
});

it('a re-driven row is published again in the trace it was written in, and the re-drive is a span linked to it', async () => {
  // Tracing on in this process from here (the last test): an in-memory exporter.
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  markTracingStarted();
  const [id] = await publish(1);
  const [traceId, spanId] = ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'];
  const [row] = await queryDatabase<{ stream_seq: string }>(dbInfo.url, `UPDATE outbox SET traceparent = $1 WHERE event_id = $2 RETURNING stream_seq`, [
    `00-${traceId}-${spanId}-01`,
    id,
  ]);
  await client.jsm.streams.deleteMessage('ACCOUNTS', Number(row.stream_seq));
  expect((await audit.audit()).redriven).toBe(1);
  const redrive = exporter.getFinishedSpans().find((s) => s.name === 'redrive ACCOUNTS');
  expect(redrive?.links.map((l) => [l.context.traceId, l.context.spanId, l.attributes?.['messaging.message.id']])).toEqual([[traceId, spanId, id]]);
  await new Promise((r) => setTimeout(r, 400));
  while ((await relay.publishBatch()) > 0);
  const copy = await client.jsm.streams.getMessage('ACCOUNTS', { last_by_subj: `account.opened.${id}` });
  expect(copy?.header?.get('traceparent').split('-')[1]).toBe(traceId);
  expect(copy?.json<{ traceparent: string }>().traceparent.split('-')[1]).toBe(traceId);
});
