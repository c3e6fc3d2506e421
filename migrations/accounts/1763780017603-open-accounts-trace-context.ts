import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V1 } from './1763780015001-open-account-function';
import { OPEN_ACCOUNTS_V2 } from './1763780017001-open-accounts-always-locks';

/** `text` with `find` replaced once; a `find` that does not occur exactly once is an error, never a silent no-op. */
export function once(text: string, find: string, replace: string): string {
  const parts = text.split(find);
  if (parts.length !== 2) throw new Error(`function migration: expected one ${JSON.stringify(find)}, found ${parts.length - 1}`);
  return parts.join(replace);
}

/**
 * open_account and open_accounts with the trace context of each POST (one traceparent and
 * one tracestate per group member, null when tracing is off) stored with the rows they
 * write to the outbox. The bodies are the previous versions' text (1763780015001 and
 * 1763780017001, whose comments explain them) with only the new parameters added, derived
 * here by checked replacement so that the function cannot drift from them.
 */
export const OPEN_ACCOUNT_V2 = [
  [
    'p_outcome_ids text[], p_outcome_subjects text[], p_outcome_payloads jsonb[])',
    'p_outcome_ids text[], p_outcome_subjects text[], p_outcome_payloads jsonb[], p_traceparent text, p_tracestate text)',
  ],
  [
    'INSERT INTO outbox (event_id, subject, payload)\n      SELECT p_opened_id, p_opened_subject, p_opened FROM ins',
    'INSERT INTO outbox (event_id, subject, payload, traceparent, tracestate)\n      SELECT p_opened_id, p_opened_subject, p_opened, p_traceparent, p_tracestate FROM ins',
  ],
  [' END\n      FROM unnest(', ' END, p_traceparent, p_tracestate\n      FROM unnest('],
].reduce((text, [find, replace]) => once(text, find, replace), OPEN_ACCOUNT_V1);

export const OPEN_ACCOUNTS_V3 = [
  [
    'p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[])',
    'p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[], p_traceparents text[], p_tracestates text[])',
  ],
  ['ARRAY[p_validated[i], p_rejected[i]]) o;', 'ARRAY[p_validated[i], p_rejected[i]], p_traceparents[i], p_tracestates[i]) o;'],
].reduce((text, [find, replace]) => once(text, find, replace), OPEN_ACCOUNTS_V2);

const ONE_V1 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[])';
const ONE_V2 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[], text, text)';
const GROUP_V2 = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';
const GROUP_V3 =
  'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[])';

export class OpenAccountsTraceContext1763780017603 implements MigrationInterface {
  name = 'OpenAccountsTraceContext1763780017603';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${GROUP_V2}`);
    await q.query(`DROP FUNCTION ${ONE_V1}`);
    await q.query(OPEN_ACCOUNT_V2);
    await q.query(OPEN_ACCOUNTS_V3);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${GROUP_V3}`);
    await q.query(`DROP FUNCTION ${ONE_V2}`);
    await q.query(OPEN_ACCOUNT_V1);
    await q.query(OPEN_ACCOUNTS_V2);
  }
}
