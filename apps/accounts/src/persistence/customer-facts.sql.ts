import type { Pool, PoolClient } from 'pg';
import { CustomerCreated, ResolveDecision, eventIds } from '@calm/contracts';
import { Sql, queryNamed, sql } from '@calm/pg';
import { claimEventsSql } from '@calm/outbox';
import { TraceCarrier, tracingStarted } from '@calm/tracing';
import { stageNow } from '@calm/config';
import { joinEventRowsSql, lockCustomersSql, outcomeSubjects } from '../join/account-join.sql';
import { convergenceSpan } from './join-trace';
import { openingTraces, replicaTracesSql } from './fact-traces.sql';
import { customerFactsTxn } from './stage-channels';

/**
 * What the customer paths need of a customer.created or customer.sealed: its id (inbox),
 * its customer, its time and its trace. Not the fold's AccountFact (@calm/folds): the
 * event id and the trace context belong to the delivery (inbox, tracing), not to the fact.
 */
export interface CustomerFact {
  id: string;
  type: 'customer.created' | 'customer.sealed';
  customerId: string;
  time: string;
  /** The trace context the event carried (CloudEvents distributed-tracing extension). */
  trace?: TraceCarrier;
}

/** An account whose row the customer path changed: its new outcome, and the status it had (`was`). */
export interface JoinedRow {
  account_id: string;
  customer_id: string;
  status: 'pending' | 'valid' | 'rejected';
  validated_at: Date | null;
  rejected_at: Date | null;
  opened_at: Date;
  was: 'pending' | 'valid' | 'rejected';
}

/** The rows a batch changed (the name the interleaving tests know them by). */
export type ValidatedRow = JoinedRow;

export const createdFacts = (events: CustomerCreated[]): CustomerFact[] =>
  events.map((e) => ({ id: e.id, type: e.type, customerId: e.data.customerId, time: e.time, trace: traceOf(e) }));

/**
 * The owner's answer to customers.resolve as the very fact its stream carries: the same
 * derived event id (so the inbox absorbs the stream's copy, whichever comes first), the
 * same customer and time.
 */
export function ownerDecisionFact(d: ResolveDecision): CustomerFact {
  return d.state === 'created'
    ? { id: eventIds.customerCreated(d.customerId), type: 'customer.created', customerId: d.customerId, time: d.createdAt }
    : { id: eventIds.customerSealed(d.customerId), type: 'customer.sealed', customerId: d.customerId, time: d.sealedAt };
}

/** The distributed-tracing extension of an event, when it has one. */
export const traceOf = (e: { traceparent?: string; tracestate?: string }): TraceCarrier | undefined =>
  e.traceparent ? { traceparent: e.traceparent, tracestate: e.tracestate } : undefined;

/**
 * The customer paths of the join (customer.created and customer.sealed) for a batch, in
 * two round trips instead of one per statement. The first message opens the transaction
 * and runs, each with its own READ COMMITTED snapshot:
 *
 * 1. `claim`: the inbox claim (first, so a concurrent duplicate waits for it: libs/outbox inbox);
 * 2. `lock`: the write-skew guard of every customer of the batch (account-join.sql.ts);
 * 3. `join`: the database function apply_customer_facts
 *    (join/customer-facts.function.ts: planned once per
 *    connection, with hash and merge joins off) records the facts in the replicas
 *    (known_customer for creations, sealed_customer for seals; earliest time wins: a
 *    monotone min, a row changes only when the time moves earlier) and sets each
 *    account of a changed customer to account_join(opened_at, created_at, sealed_at)
 *    where that answer differs from the row: the same function as the account path.
 *
 * `join` does not filter on "fresh": it is idempotent (a duplicate event cannot move a
 * min that already holds its time, and the accounts it could resolve already are), so
 * a redelivered event still takes effect at most once. The second message writes the
 * events of the accounts that changed outcome (joinEventRowsSql; their ids are derived in
 * JavaScript) and commits.
 */
export function customerFactsStatements(facts: CustomerFact[]): { claim: Sql; lock: Sql; join: Sql } {
  const of = (type: CustomerFact['type']) => facts.filter((f) => f.type === type);
  const [created, sealed] = [of('customer.created'), of('customer.sealed')];
  const join = sql`SELECT * FROM apply_customer_facts(${sql.array(
    created.map((f) => f.customerId),
    'uuid',
  )}, ${sql.array(
    created.map((f) => f.time),
    'timestamptz',
  )}, ${sql.array(
    sealed.map((f) => f.customerId),
    'uuid',
  )}, ${sql.array(
    sealed.map((f) => f.time),
    'timestamptz',
  )})`;
  return {
    claim: claimEventsSql(facts),
    lock: lockCustomersSql(facts.map((f) => f.customerId)),
    join,
  };
}

/** The customer.created path alone (as the interleaving tests step it). */
export const customersCreatedStatements = (events: CustomerCreated[]) => customerFactsStatements(createdFacts(events));

/** Rows whose outcome the batch decided (pending to valid or rejected; rejected to valid), not a time moved earlier. */
export const decidedRows = (rows: JoinedRow[]): JoinedRow[] => rows.filter((r) => r.status !== r.was);

/** The events of the accounts whose outcome a batch decided, read from their rows (one per account and outcome). */
export function outcomeEventsSql(joined: JoinedRow[], now: Date, facts: CustomerFact[] = [], openings = new Map<string, TraceCarrier>()): Sql | undefined {
  const rows = decidedRows(joined);
  // Each with the status the join gave it in this transaction: only that outcome's event is built.
  const decided = rows.map((v) => ({ accountId: v.account_id, customerId: v.customer_id, status: v.status }));
  if (!decided.length) return undefined;
  const events = joinEventRowsSql(sql`account`, decided, now.toISOString());
  const traces = outcomeTraces(rows, facts, now, openings);
  if (!traces.length) return sql`INSERT INTO outbox (event_id, subject, payload) ${events} ON CONFLICT (event_id) DO NOTHING`;
  return sql`INSERT INTO outbox (event_id, subject, payload, traceparent, tracestate)
    SELECT j.event_id, j.subject, j.payload, t.traceparent, t.tracestate FROM (${events}) j(event_id, subject, payload)
    LEFT JOIN (VALUES ${sql.join(traces)}) t(subject, traceparent, tracestate) USING (subject)
    ON CONFLICT (event_id) DO NOTHING`;
}

/**
 * (subject, traceparent, tracestate) of each decided account's outcome events: the context
 * of its convergence span (join-trace.ts), in the trace of the fact of its customer that
 * this batch applied, linked to the POST that opened the account (`openings`, the other
 * fact). None with tracing off.
 */
function outcomeTraces(rows: JoinedRow[], facts: CustomerFact[], now: Date, openings: Map<string, TraceCarrier>): Sql[] {
  if (!tracingStarted()) return [];
  const factOf = new Map(facts.map((f) => [f.customerId, f]));
  return rows.flatMap((r) => {
    const fact = factOf.get(r.customer_id);
    if (!fact) return [];
    const firstFactAt = new Date(Math.min(r.opened_at.getTime(), Date.parse(fact.time)));
    const carrier = convergenceSpan(
      { accountId: r.account_id, customerId: r.customer_id, status: r.status, firstFactAt },
      fact,
      now,
      openings.get(r.account_id),
    );
    if (!carrier?.traceparent) return [];
    return outcomeSubjects({ accountId: r.account_id, customerId: r.customer_id, status: r.status }).map(
      (subject) => sql`(${subject}, ${carrier.traceparent ?? null}, ${carrier.tracestate ?? null})`,
    );
  });
}

/**
 * Runs the batch on one pooled connection. Any failure rolls back (the first message
 * leaves an explicit transaction open) and rethrows the database's own error, so the
 * transport can tell a transient outage from a bad event.
 */
export async function runCustomerFacts(pool: Pool, batch: CustomerFact[], now: Date): Promise<{ fresh: number; joined: JoinedRow[] }> {
  const at: number[] | undefined = customerFactsTxn.hasSubscribers ? [stageNow()] : undefined;
  const client: PoolClient = await pool.connect();
  at?.push(stageNow());
  let broken: Error | undefined;
  // A checked-out client has no listener of its own: without this, a connection lost
  // mid-batch would be an unhandled 'error' event (a crash) instead of this query failing.
  const onError = (e: Error) => (broken = e);
  client.on('error', onError);
  try {
    const { claim, join } = await queryNamed(client, { begin: sql`BEGIN`, ...customerFactsStatements(batch) });
    const joined = join.rows as JoinedRow[];
    at?.push(stageNow());
    // With tracing on: the other fact's context for each decided account, and the facts' own kept in their replicas.
    const traced = tracingStarted();
    const openings = traced
      ? await openingTraces(
          client,
          decidedRows(joined).map((r) => r.account_id),
        )
      : undefined;
    const events = outcomeEventsSql(joined, now, batch, openings);
    await queryNamed<string>(client, { ...(traced ? replicaTracesSql(batch) : {}), ...(events ? { events } : {}), commit: sql`COMMIT` });
    // [called, connected, first round trip answered, committed]
    if (at) customerFactsTxn.publish({ customerIds: batch.map((f) => f.customerId), at: [...at, stageNow()] });
    return { fresh: claim.rowCount ?? 0, joined };
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
