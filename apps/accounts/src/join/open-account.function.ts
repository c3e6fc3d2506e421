import { derived } from './derived-sql';

/**
 * open_account, one account of the "account opened" path, called by open_accounts for
 * each member of a group commit. Each version is the text its migration ran
 * (OPEN_ACCOUNT_V1: 1763780015001, V2: 1763780017603); join-sql.spec.ts holds each to
 * that text. A change is a new version and a new migration.
 */

/**
 * The "account opened" path of the join as a database function, so that PostgreSQL
 * plans it once per connection instead of on every POST.
 *
 * The statement it replaces was sent as text with its values inlined (the simple
 * protocol, which group commit needs: several statements, one round trip, one implicit
 * transaction). Parsing and planning that statement took about 0.4 to 0.55 ms of the
 * database's CPU per POST, against 0.15 to 0.2 ms to run it (EXPLAIN ANALYZE on a warm
 * connection; docs/performance.md). PL/pgSQL keeps the plan of its RETURN QUERY for the
 * session, so each POST's statement is now only `SELECT * FROM open_account(...)`.
 *
 * What it does is unchanged (it is the same SQL with parameters for literals):
 * - inserts the account already joined (account_join of the customer's earliest known
 *   creation and of its id's seal, NULL when unknown; a sealed customer's account is
 *   rejected at once);
 * - writes its account.opened and the event of its outcome to the outbox, in that order
 *   (so the relay publishes account.opened first). The caller builds the three events'
 *   envelopes (derived ids, subjects); the outcome's time is read from the inserted row,
 *   as the customer path does (joinEventRowsSql in account-join.sql.ts: the same fill);
 * - answers the row with created = true, or the existing row with created = false and
 *   writes nothing.
 *
 * VOLATILE, so its statement takes a fresh snapshot when it starts, which is after the
 * caller's lock statement (the write-skew guard, account-join.sql.ts) was granted:
 * under READ COMMITTED it sees every customer path that committed before, as the inline
 * statement did. The function takes no lock itself: a group commit locks all its
 * members' customers at once, in key order, before any member's call.
 */
export const OPEN_ACCOUNT_V1 = `
  CREATE FUNCTION open_account(
    p_account_id uuid, p_customer_id uuid, p_currency text, p_opened_at timestamptz,
    p_opened_id text, p_opened_subject text, p_opened jsonb,
    p_outcome_ids text[], p_outcome_subjects text[], p_outcome_payloads jsonb[])
  RETURNS TABLE (created boolean, account_id uuid, customer_id uuid, currency character(3), status text,
                 opened_at timestamptz, validated_at timestamptz, rejected_at timestamptz)
  LANGUAGE plpgsql VOLATILE
  AS $$
  #variable_conflict use_column
  BEGIN
    -- p_outcome_*: the account.validated and the account.rejected envelopes, in that order.
    RETURN QUERY
    WITH known AS (SELECT k.created_at FROM known_customer k WHERE k.customer_id = p_customer_id),
    seal AS (SELECT s.sealed_at FROM sealed_customer s WHERE s.customer_id = p_customer_id),
    ins AS (
      INSERT INTO account AS a (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at)
      SELECT p_account_id, p_customer_id, p_currency, j.status, p_opened_at, j.validated_at, j.rejected_at
      FROM (SELECT 1) o LEFT JOIN known k ON true LEFT JOIN seal s ON true
      CROSS JOIN LATERAL account_join(p_opened_at, k.created_at, s.sealed_at) j
      ON CONFLICT (account_id) DO NOTHING
      RETURNING a.account_id, a.customer_id, a.currency, a.status, a.opened_at, a.validated_at, a.rejected_at
    ),
    events AS (
      INSERT INTO outbox (event_id, subject, payload)
      SELECT p_opened_id, p_opened_subject, p_opened FROM ins
      UNION ALL
      SELECT e.event_id, e.subject, CASE r.status
          WHEN 'valid' THEN jsonb_set(e.payload, '{data,validatedAt}', to_jsonb(to_char(r.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
          WHEN 'rejected' THEN jsonb_set(e.payload, '{data,rejectedAt}', to_jsonb(to_char(r.rejected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) END
      FROM unnest(ARRAY['valid', 'rejected'], p_outcome_ids, p_outcome_subjects, p_outcome_payloads) e(status, event_id, subject, payload)
      JOIN ins r ON r.status = e.status
      ON CONFLICT (event_id) DO NOTHING
    )
    SELECT true, i.account_id, i.customer_id, i.currency, i.status, i.opened_at, i.validated_at, i.rejected_at FROM ins i
    UNION ALL
    SELECT false, a.account_id, a.customer_id, a.currency, a.status, a.opened_at, a.validated_at, a.rejected_at FROM account a
    WHERE a.account_id = p_account_id AND NOT EXISTS (SELECT 1 FROM ins);
  END
  $$;
`;

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
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNT_V1);

/** open_account V2, now also storing the POST's context in the account row; same signature (migration 1763780017701). */
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
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNT_V2);

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
 * replacement so that the functions cannot drift from them .
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
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNT_V3);
