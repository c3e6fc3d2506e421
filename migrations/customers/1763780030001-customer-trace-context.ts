import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer row keeps the trace context of the work that decided it (its POST, its
 * partner announcement, or the customers.resolve that sealed it), so that a decision
 * announced again after the outbox retention deleted its row is published in that trace
 * (apps/customers/src/persistence/customer.store.ts). Null with tracing off: observability,
 * never part of the decision.
 */
export class CustomerTraceContext1763780030001 implements MigrationInterface {
  name = 'CustomerTraceContext1763780030001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}
