/**
 * account_join, the join itself, in the database (every path that decides an account's
 * status calls it: the account path, the customer paths, the replay). Each version is
 * the text its migration ran (ACCOUNT_JOIN_V1: 1763780012001, V2: 1763780013002);
 * join-sql.spec.ts holds each to that text. A change is a new version and a new migration.
 */

/**
 * The join, once, in the database: every path that decides an account's status calls
 * it (the account path, the customer path, the replay; apps/accounts/src/persistence/
 * account-join.sql.ts), as `join` of domain/account.ts does in TypeScript.
 *
 *   valid(a) <- opened(a, c) AND created(c),   validated_at = GREATEST(opened_at, earliest created_at)
 *
 * CALM: both inputs only grow (an opening is inserted once; a customer's creation time
 * only moves earlier, a monotone min), and the answer is monotone in them: a known
 * customer turns `pending` into `valid` and an earlier creation can only move
 * validated_at earlier, never back to pending. So the fixpoint does not depend on the
 * order the facts arrive in. The one non-monotone reading, "customer not known YET, so
 * pending", is made safe by the callers: the customer path evaluates the join again when
 * the customer arrives, and both paths hold the customer's advisory lock (see
 * account-join.sql.ts) so neither misses the other's uncommitted fact.
 *
 * IMMUTABLE, one SELECT, not STRICT: PostgreSQL inlines it into the calling statement,
 * so it costs what the expression costs. GREATEST skips NULLs, hence the CASE: a shell
 * account keeps validated_at NULL.
 *
 * A second outcome (rejected <- opened AND sealed(c), rejected_at = GREATEST(opened_at,
 * sealed_at)) is a new migration that drops this function and creates
 * account_join(opened_at, customer_created_at, customer_sealed_at) returning
 * (status, validated_at, rejected_at); a return type cannot change in place.
 */
export const ACCOUNT_JOIN_V1 = `
  CREATE FUNCTION account_join(opened_at timestamptz, customer_created_at timestamptz)
  RETURNS TABLE (status text, validated_at timestamptz)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN customer_created_at IS NULL THEN 'pending' ELSE 'valid' END,
           CASE WHEN customer_created_at IS NOT NULL THEN GREATEST(opened_at, customer_created_at) END
  $$;
`;

/**
 * The join with its second outcome, once, in the database (every path calls it: the
 * account path, the customer paths, the replay; `join` of domain/account.ts in TypeScript):
 *
 *   valid(a)    <- opened(a, c) AND created(c)   validated_at = GREATEST(opened_at, earliest created_at)
 *   rejected(a) <- opened(a, c) AND sealed(c)    rejected_at  = GREATEST(opened_at, earliest sealed_at)
 *
 * CALM: every input only grows (an opening once, each time a monotone min), and each
 * outcome only ever turns `pending` into itself. The two exclude each other because the
 * owner decides each customer id once (docs/shells.md); a history that breaks that still
 * has one answer in every order: `valid` wins, since a validation is never taken back.
 * IMMUTABLE, one SELECT, not STRICT: PostgreSQL inlines it into the calling statement.
 * GREATEST skips NULLs, hence the CASEs: an outcome's time stays NULL unless it holds.
 * A return type cannot change in place: V1 is dropped and V2 created.
 */
export const ACCOUNT_JOIN_V2 = `
  CREATE FUNCTION account_join(opened_at timestamptz, customer_created_at timestamptz, customer_sealed_at timestamptz)
  RETURNS TABLE (status text, validated_at timestamptz, rejected_at timestamptz)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN customer_created_at IS NOT NULL THEN 'valid' WHEN customer_sealed_at IS NOT NULL THEN 'rejected' ELSE 'pending' END,
           CASE WHEN customer_created_at IS NOT NULL THEN GREATEST(opened_at, customer_created_at) END,
           CASE WHEN customer_created_at IS NULL AND customer_sealed_at IS NOT NULL THEN GREATEST(opened_at, customer_sealed_at) END
  $$;
`;
