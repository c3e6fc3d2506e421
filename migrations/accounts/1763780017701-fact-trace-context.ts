import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V2, OPEN_ACCOUNT_V3 } from '../../apps/accounts/src/join/open-account.function';

/**
 * Each fact of the join keeps the trace context it came with, so that an account's
 * convergence span, made by whichever fact completes the join, can link to the other
 * fact's trace (join-trace.ts): the account row keeps its POST's context (written by
 * open_account V3, apps/accounts/src/join/open-account.function.ts), the replicas keep the context of the customer fact whose time
 * they hold (written beside apply_customer_facts, customer-fact-traces.sql.ts). The
 * columns are null with tracing off: observability, never part of the join's answer.
 */
const COLUMNS = ['account', 'known_customer', 'sealed_customer'];

export class FactTraceContext1763780017701 implements MigrationInterface {
  name = 'FactTraceContext1763780017701';

  async up(q: QueryRunner): Promise<void> {
    for (const table of COLUMNS) await q.query(`ALTER TABLE ${table} ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
    await q.query(OPEN_ACCOUNT_V3);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(OPEN_ACCOUNT_V2.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    for (const table of COLUMNS) await q.query(`ALTER TABLE ${table} DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}
