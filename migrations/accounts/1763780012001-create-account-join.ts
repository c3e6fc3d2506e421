import { MigrationInterface, QueryRunner } from 'typeorm';

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

export class CreateAccountJoin1763780012001 implements MigrationInterface {
  name = 'CreateAccountJoin1763780012001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ACCOUNT_JOIN_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION account_join(timestamptz, timestamptz)');
  }
}
