import type { Pool, PoolClient } from 'pg';
import { Sql, sql } from '@calm/pg';
import { TraceCarrier } from '@calm/tracing';
import type { CustomerFact } from './customer-facts.sql';

/**
 * The trace context each fact of the join keeps (open_account V3: join/open-account.function.ts; migration 1763780017701), so
 * that the convergence span made by the fact that completes an account's join links to
 * the other fact's trace. Used only with tracing on: with it off nothing here runs.
 */

const carrier = (r: { traceparent: string | null; tracestate: string | null }): TraceCarrier | undefined =>
  r.traceparent ? { traceparent: r.traceparent, ...(r.tracestate ? { tracestate: r.tracestate } : {}) } : undefined;

/**
 * Statements that store each customer fact's context in its replica row, inside the
 * transaction that applied the facts. Invariant: a replica keeps the context of the fact
 * whose time it holds (the earliest: a later copy or a later fact does not replace it).
 */
export function replicaTracesSql(facts: readonly CustomerFact[]): Record<string, Sql> {
  const update = (table: 'known_customer' | 'sealed_customer', column: 'created_at' | 'sealed_at', type: CustomerFact['type']) => {
    const rows = facts.filter((f) => f.type === type && f.trace?.traceparent);
    if (!rows.length) return undefined;
    const values = rows.map((f) => sql`(${f.customerId}::uuid, ${f.time}::timestamptz, ${f.trace?.traceparent ?? null}, ${f.trace?.tracestate ?? null})`);
    return sql`UPDATE ${sql.trusted(table)} r SET traceparent = v.tp, tracestate = v.ts FROM (VALUES ${sql.join(values)}) v(customer_id, at, tp, ts)
      WHERE r.customer_id = v.customer_id AND r.${sql.trusted(column)} = v.at AND r.traceparent IS DISTINCT FROM v.tp`;
  };
  const [createdTraces, sealedTraces] = [update('known_customer', 'created_at', 'customer.created'), update('sealed_customer', 'sealed_at', 'customer.sealed')];
  return { ...(createdTraces ? { createdTraces } : {}), ...(sealedTraces ? { sealedTraces } : {}) };
}

/** The contexts of the POSTs that opened these accounts (the other fact, when a customer fact completes their join). */
export async function openingTraces(db: PoolClient, accountIds: readonly string[]): Promise<Map<string, TraceCarrier>> {
  if (!accountIds.length) return new Map();
  const { rows } = await db.query<{ account_id: string; traceparent: string | null; tracestate: string | null }>(
    `SELECT account_id::text, traceparent, tracestate FROM account WHERE account_id = ANY($1::uuid[]) AND traceparent IS NOT NULL`,
    [accountIds],
  );
  return new Map(rows.map((r) => [r.account_id, carrier(r)!]));
}

/**
 * The customer fact that an account's opening joined with (the other fact, when the
 * account path completes the join): its time, the join's first fact when it came before
 * the opening, and its context. Read after the opening committed; a replica row never
 * moves later, so its time is the one the join used or an earlier one.
 */
export async function customerFactOf(db: Pool, customerId: string, outcome: 'valid' | 'rejected'): Promise<{ time: Date; trace?: TraceCarrier } | undefined> {
  const text =
    outcome === 'valid'
      ? `SELECT created_at AS time, traceparent, tracestate FROM known_customer WHERE customer_id = $1`
      : `SELECT sealed_at AS time, traceparent, tracestate FROM sealed_customer WHERE customer_id = $1`;
  const { rows } = await db.query<{ time: Date; traceparent: string | null; tracestate: string | null }>(text, [customerId]);
  return rows[0] && { time: rows[0].time, trace: carrier(rows[0]) };
}
