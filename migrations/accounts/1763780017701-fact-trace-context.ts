import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V2 } from './1763780017603-open-accounts-trace-context';

/**
 * Each fact of the join keeps the trace context it came with, so that an account's
 * convergence span, made by whichever fact completes the join, can link to the other
 * fact's trace (join-trace.ts): the account row keeps its POST's context (written by
 * open_account, below), the replicas keep the context of the customer fact whose time
 * they hold (written beside apply_customer_facts, customer-fact-traces.sql.ts). The
 * columns are null with tracing off: observability, never part of the join's answer.
 */
const COLUMNS = ['account', 'known_customer', 'sealed_customer'];

function once(text: string, find: string, replace: string): string {
  const parts = text.split(find);
  if (parts.length !== 2) throw new Error(`fact-trace-context: expected one ${JSON.stringify(find)}, found ${parts.length - 1}`);
  return parts.join(replace);
}

/** open_account as 1763780017603 made it, now also storing the POST's context in the account row; same signature. */
export const OPEN_ACCOUNT_V3 = [
  ['CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'],
  [
    'INSERT INTO account AS a (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at)',
    'INSERT INTO account AS a (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at, traceparent, tracestate)',
  ],
  [
    'SELECT p_account_id, p_customer_id, p_currency, j.status, p_opened_at, j.validated_at, j.rejected_at',
    'SELECT p_account_id, p_customer_id, p_currency, j.status, p_opened_at, j.validated_at, j.rejected_at, p_traceparent, p_tracestate',
  ],
].reduce((text, [find, replace]) => once(text, find, replace), OPEN_ACCOUNT_V2);

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
