import { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCOUNT_JOIN_V1 } from '../../apps/accounts/src/join/account-join.function';

/** Creates account_join (apps/accounts/src/join/account-join.function.ts: its text and why). */
export class CreateAccountJoin1763780012001 implements MigrationInterface {
  name = 'CreateAccountJoin1763780012001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(ACCOUNT_JOIN_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION account_join(timestamptz, timestamptz)');
  }
}
