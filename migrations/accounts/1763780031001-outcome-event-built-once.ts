import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNTS_V3, once } from './1763780017603-open-accounts-trace-context';
import { OPEN_ACCOUNT_V3 } from './1763780017701-fact-trace-context';

/**
 * open_account builds the event of its outcome itself, once, from the row it inserted:
 * the caller no longer sends the account.validated and account.rejected envelopes of
 * which at most one was used (three CloudEvents built and serialized per POST, two of
 * them thrown away, and the kept one patched with jsonb_set). The outcome event is the
 * account.opened envelope (same specversion, source, subject, time and content type)
 * with its own id (derived by the caller from the account id, as the contract defines
 * it), type and data; the data's time is the row's, as before. An integration test
 * (account.store.int-spec.ts) holds each outcome event equal to the contract's builder.
 *
 * The bodies are the previous versions' text with only these edits, derived by checked
 * replacement so that the functions cannot drift from them (see 1763780017603).
 */
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const OPEN_ACCOUNT_V4 = [
  ['p_outcome_ids text[], p_outcome_subjects text[], p_outcome_payloads jsonb[],', 'p_outcome_ids text[],'],
  [
    '-- p_outcome_*: the account.validated and the account.rejected envelopes',
    '-- p_outcome_ids: the ids of the account.validated and the account.rejected events',
  ],
  [
    `SELECT e.event_id, e.subject, CASE r.status
          WHEN 'valid' THEN jsonb_set(e.payload, '{data,validatedAt}', to_jsonb(to_char(r.validated_at AT TIME ZONE 'UTC', ${ISO_MS})))
          WHEN 'rejected' THEN jsonb_set(e.payload, '{data,rejectedAt}', to_jsonb(to_char(r.rejected_at AT TIME ZONE 'UTC', ${ISO_MS}))) END, p_traceparent, p_tracestate
      FROM unnest(ARRAY['valid', 'rejected'], p_outcome_ids, p_outcome_subjects, p_outcome_payloads) e(status, event_id, subject, payload)
      JOIN ins r ON r.status = e.status`,
    `SELECT e.event_id, e.type || '.' || r.account_id,
        p_opened || jsonb_build_object('id', e.event_id, 'type', e.type, 'data', jsonb_build_object(
          'accountId', r.account_id, 'customerId', r.customer_id, e.field, to_jsonb(to_char(e.at AT TIME ZONE 'UTC', ${ISO_MS})))),
        p_traceparent, p_tracestate
      FROM ins r CROSS JOIN LATERAL (VALUES
        ('valid', 'account.validated', 'validatedAt', p_outcome_ids[1], r.validated_at),
        ('rejected', 'account.rejected', 'rejectedAt', p_outcome_ids[2], r.rejected_at)) e(status, type, field, event_id, at)
      WHERE e.status = r.status`,
  ],
].reduce((text, [find, replace]) => once(text, find, replace), OPEN_ACCOUNT_V3);

export const OPEN_ACCOUNTS_V4 = [
  [
    'p_validated_ids text[], p_validated_subjects text[], p_validated jsonb[],\n    p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[],',
    'p_validated_ids text[], p_rejected_ids text[],',
  ],
  ['ARRAY[p_validated_subjects[i], p_rejected_subjects[i]], ARRAY[p_validated[i], p_rejected[i]], ', ''],
].reduce((text, [find, replace]) => once(text, find, replace), OPEN_ACCOUNTS_V3);

// open_account as 1763780017603 and 1763780017701 left it (the same signature)
const ONE_V2 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[], text, text)';
const ONE_V4 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text, text)';
const GROUP_V3 =
  'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[])';
const GROUP_V4 = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], text[], text[])';

export class OutcomeEventBuiltOnce1763780031001 implements MigrationInterface {
  name = 'OutcomeEventBuiltOnce1763780031001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${GROUP_V3}`);
    await q.query(`DROP FUNCTION ${ONE_V2}`);
    await q.query(OPEN_ACCOUNT_V4);
    await q.query(OPEN_ACCOUNTS_V4);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${GROUP_V4}`);
    await q.query(`DROP FUNCTION ${ONE_V4}`);
    await q.query(OPEN_ACCOUNT_V3);
    await q.query(OPEN_ACCOUNTS_V3);
  }
}
