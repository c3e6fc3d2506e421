import { derived } from './derived-sql';

/**
 * open_accounts, one group commit of POST /accounts (the statement the service sends:
 * persistence/open-accounts-batch.sql.ts). Each version is the text its migration ran
 * (OPEN_ACCOUNTS_V1: 1763780016001, V2: 1763780017001, V3: 1763780017603);
 * join-sql.spec.ts holds each to that text. A change is a new version and a new migration.
 */

/**
 * A group commit of POST /accounts as ONE call of a database function, open_accounts,
 * sent as a prepared statement with its values as parameters.
 *
 * Before, a group of N requests was one simple-protocol message of N + 1 statements:
 * the customers' lock, then N calls of open_account, each with its values quoted into
 * the text (about 1.7 kB per member). PostgreSQL parsed, planned and started N + 1
 * statements, and parsed every member's three event payloads as jsonb literals. Now
 * the message is one Bind/Execute of a statement prepared once per connection, the
 * members' values travel as arrays, and the loop over the members runs inside the
 * function with its plans cached for the session.
 *
 * What a group does is unchanged:
 * 1. The write-skew guard for every member at once: the transaction-scoped advisory
 *    lock of each distinct customer, in key order (two groups, or a group and a
 *    customer batch, cannot deadlock). The key is hashtextextended of the customer id's
 *    canonical text (lower case: the uuid's output form), the same key the customer
 *    paths lock (lockCustomersSql in apps/accounts/src/join/account-join.sql.ts
 *    hashes the lower-case id they carry). p_lock = false left it out; migration
 *    1763780017001 replaces this function by one without that flag.
 * 2. Each member's open_account (migration 1763780015001, unchanged) in account id
 *    order (two groups holding the same ids insert them in the same order, so their
 *    unique-key waits cannot form a cycle). The function is VOLATILE, so under READ
 *    COMMITTED each of its statements takes a new snapshot: every member's call starts
 *    after all the locks were granted and sees every customer path that committed
 *    before, exactly as the separate lock statement did. A member that repeats an
 *    earlier member's account id sees that row (its own transaction's write) and
 *    answers it as existing.
 *
 * Answers one row per member (member: its 1-based position in the arrays). A member
 * with no row: the account exists but committed after that member's snapshot (a
 * concurrent first POST); the caller reads it again.
 */
export const OPEN_ACCOUNTS_V1 = `
  CREATE FUNCTION open_accounts(
    p_lock boolean,
    p_account_ids uuid[], p_customer_ids uuid[], p_currencies text[], p_opened_at timestamptz[],
    p_opened_ids text[], p_opened_subjects text[], p_opened jsonb[],
    p_validated_ids text[], p_validated_subjects text[], p_validated jsonb[],
    p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[])
  RETURNS TABLE (member integer, created boolean, account_id uuid, customer_id uuid, currency character(3), status text,
                 opened_at timestamptz, validated_at timestamptz, rejected_at timestamptz)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    i integer;
  BEGIN
    IF p_lock THEN
      PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c::text, 0) AS k FROM unnest(p_customer_ids) c) s ORDER BY k;
    END IF;
    FOR i IN SELECT u.n FROM unnest(p_account_ids) WITH ORDINALITY u(id, n) ORDER BY u.id, u.n LOOP
      RETURN QUERY SELECT i, o.* FROM open_account(p_account_ids[i], p_customer_ids[i], p_currencies[i], p_opened_at[i],
        p_opened_ids[i], p_opened_subjects[i], p_opened[i],
        ARRAY[p_validated_ids[i], p_rejected_ids[i]], ARRAY[p_validated_subjects[i], p_rejected_subjects[i]], ARRAY[p_validated[i], p_rejected[i]]) o;
    END LOOP;
  END
  $$;
`;

/**
 * open_accounts without its p_lock flag: the write-skew guard is always taken. The flag
 * existed only so that a test could switch the guard off; that test's negative control
 * is now a patch of this function (test/controls/join.controls.ts), so production code
 * carries no switch that removes its own guarantee.
 *
 * The body is V1's (see its comment for the lock key, the lock order and why every
 * member's open_account sees every customer path committed before the locks were
 * granted), derived from its text with the lock unconditional.
 */
export const OPEN_ACCOUNTS_V2 = [
  ['    p_lock boolean,\n', ''],
  ['    IF p_lock THEN\n      PERFORM', "    -- The write-skew guard: every member's customer, in key order (no deadlock).\n    PERFORM"],
  [' ORDER BY k;\n    END IF;\n', ' ORDER BY k;\n'],
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNTS_V1);

export const OPEN_ACCOUNTS_V3 = [
  [
    'p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[])',
    'p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[], p_traceparents text[], p_tracestates text[])',
  ],
  ['ARRAY[p_validated[i], p_rejected[i]]) o;', 'ARRAY[p_validated[i], p_rejected[i]], p_traceparents[i], p_tracestates[i]) o;'],
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNTS_V2);

/** open_accounts for OPEN_ACCOUNT_V4 (open-account.function.ts): the outcome ids only, no outcome envelopes. */
export const OPEN_ACCOUNTS_V4 = [
  [
    'p_validated_ids text[], p_validated_subjects text[], p_validated jsonb[],\n    p_rejected_ids text[], p_rejected_subjects text[], p_rejected jsonb[],',
    'p_validated_ids text[], p_rejected_ids text[],',
  ],
  ['ARRAY[p_validated_subjects[i], p_rejected_subjects[i]], ARRAY[p_validated[i], p_rejected[i]], ', ''],
].reduce((text, [find, replace]) => derived(text, find, replace), OPEN_ACCOUNTS_V3);
