import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNTS_V1 } from './1763780016001-open-accounts-function';

/**
 * open_accounts without its p_lock flag: the write-skew guard is always taken. The flag
 * existed only so that a test could switch the guard off; that test's negative control
 * is now a patch of this function (test/controls/join.controls.ts), so production code
 * carries no switch that removes its own guarantee.
 *
 * The body is migration 1763780016001's (see its comment for the lock key, the lock
 * order and why every member's open_account sees every customer path committed before
 * the locks were granted), with the lock unconditional.
 */
export const OPEN_ACCOUNTS_V2 = `
  CREATE FUNCTION open_accounts(
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
    -- The write-skew guard: every member's customer, in key order (no deadlock).
    PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c::text, 0) AS k FROM unnest(p_customer_ids) c) s ORDER BY k;
    FOR i IN SELECT u.n FROM unnest(p_account_ids) WITH ORDINALITY u(id, n) ORDER BY u.id, u.n LOOP
      RETURN QUERY SELECT i, o.* FROM open_account(p_account_ids[i], p_customer_ids[i], p_currencies[i], p_opened_at[i],
        p_opened_ids[i], p_opened_subjects[i], p_opened[i],
        ARRAY[p_validated_ids[i], p_rejected_ids[i]], ARRAY[p_validated_subjects[i], p_rejected_subjects[i]], ARRAY[p_validated[i], p_rejected[i]]) o;
    END LOOP;
  END
  $$;
`;

const V1_SIGNATURE = 'open_accounts(boolean, uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';
const V2_SIGNATURE = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';

export class OpenAccountsAlwaysLocks1763780017001 implements MigrationInterface {
  name = 'OpenAccountsAlwaysLocks1763780017001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${V1_SIGNATURE}`);
    await q.query(OPEN_ACCOUNTS_V2);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${V2_SIGNATURE}`);
    await q.query(OPEN_ACCOUNTS_V1);
  }
}
