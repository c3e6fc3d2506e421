import { MigrationInterface, QueryRunner } from 'typeorm';
import { OPEN_ACCOUNT_V1 } from '../../apps/accounts/src/join/open-account.function';

/** Creates open_account (apps/accounts/src/join/open-account.function.ts: its text and why). */
export class OpenAccountFunction1763780015001 implements MigrationInterface {
  name = 'OpenAccountFunction1763780015001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OPEN_ACCOUNT_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION open_account(uuid, uuid, text, timestamptz, text, text, jsonb, text[], text[], jsonb[])');
  }
}
