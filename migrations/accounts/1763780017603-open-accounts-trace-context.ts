import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V1, OPEN_ACCOUNT_V2 } from '../../apps/accounts/src/join/open-account.function';
import { OPEN_ACCOUNTS_V2, OPEN_ACCOUNTS_V3 } from '../../apps/accounts/src/join/open-accounts.function';

const ONE_V1 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[])';
const ONE_V2 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[], text, text)';
const GROUP_V2 = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])';
const GROUP_V3 =
  'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[])';

/** open_account and open_accounts with each POST's trace context (apps/accounts/src/join/: their texts and why). */
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
