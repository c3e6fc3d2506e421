import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNTS_V1 } from '../../apps/accounts/src/join/open-accounts.function';

/** Creates open_accounts (apps/accounts/src/join/open-accounts.function.ts: its text and why). */
export class OpenAccountsFunction1763780016001 implements MigrationInterface {
  name = 'OpenAccountsFunction1763780016001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OPEN_ACCOUNTS_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP FUNCTION open_accounts(boolean, uuid[], uuid[], text[], timestamptz[], text[], text[], jsonb[], text[], text[], jsonb[], text[], text[], jsonb[])',
    );
  }
}
