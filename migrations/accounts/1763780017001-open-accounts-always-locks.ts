import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNTS_V1, OPEN_ACCOUNTS_V2 } from '../../apps/accounts/src/join/open-accounts.function';

const V1_SIGNATURE = 'open_accounts(boolean, uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';
const V2_SIGNATURE = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';

/** open_accounts without its p_lock flag (apps/accounts/src/join/open-accounts.function.ts: why). */
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
