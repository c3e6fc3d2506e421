import { EntityManager } from 'typeorm';
import { TraceCarrier, activeTraceCarrier, tracingStarted } from '@calm/tracing';

/**
 * The trace context a customer row keeps of the work that decided it (migration
 * 1763780030001): its POST, its partner announcement, or the customers.resolve that sealed
 * it. When the outbox retention has deleted the decision's event and somebody asks for it
 * (customers.resolve), the event is written again in that context, so it is published in
 * the trace of the decision, not in none. With tracing off nothing here writes or reads
 * more than before: the INSERT is the very statement it was without tracing.
 */

/** An INSERT of a decision's row: its columns, and the active span's context when there is one. */
function decisionInsert(columns: readonly string[]): (params: unknown[]) => [text: string, params: unknown[]] {
  const text = (names: readonly string[]) =>
    `INSERT INTO customer (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`;
  const [plain, traced] = [text(columns), text([...columns, 'traceparent', 'tracestate'])];
  return (params) => {
    const trace = activeTraceCarrier();
    return trace ? [traced, [...params, trace.traceparent, trace.tracestate ?? null]] : [plain, params];
  };
}

/** $1 customer_id, $2 name, $3 email, $4 created_at. */
export const insertCreated = decisionInsert(['customer_id', 'name', 'email', 'created_at']);
/** $1 customer_id, $2 sealed_at. */
export const insertSealed = decisionInsert(['customer_id', 'sealed_at']);

/** The context an id's decision was made in (undefined when it was made untraced); not read with tracing off. */
export async function decisionTrace(m: EntityManager, customerId: string): Promise<TraceCarrier | undefined> {
  if (!tracingStarted()) return undefined;
  const [row]: { traceparent: string | null; tracestate: string | null }[] = await m.query(
    `SELECT traceparent, tracestate FROM customer WHERE customer_id = $1`,
    [customerId],
  );
  return row?.traceparent ? { traceparent: row.traceparent, ...(row.tracestate ? { tracestate: row.tracestate } : {}) } : undefined;
}
