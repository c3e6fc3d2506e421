import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V3, OPEN_ACCOUNT_V4 } from '../../apps/accounts/src/join/open-account.function';
import { OPEN_ACCOUNTS_V3, OPEN_ACCOUNTS_V4 } from '../../apps/accounts/src/join/open-accounts.function';

// open_account as 1763780017603 and 1763780017701 left it (the same signature)
const ONE_V2 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[], text, text)';
const ONE_V4 = 'open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text, text)';
const GROUP_V3 =
  'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[])';
const GROUP_V4 = 'open_accounts(uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], text[], text[])';

/** open_account builds its outcome event itself, once (apps/accounts/src/join/open-account.function.ts, OPEN_ACCOUNT_V4). */
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
