import { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCOUNT_JOIN_V1 } from './1763780012001-create-account-join';

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

export class AccountJoinRejected1763780013002 implements MigrationInterface {
  name = 'AccountJoinRejected1763780013002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION account_join(timestamptz, timestamptz)');
    await q.query(ACCOUNT_JOIN_V2);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION account_join(timestamptz, timestamptz, timestamptz)');
    await q.query(ACCOUNT_JOIN_V1);
  }
}
