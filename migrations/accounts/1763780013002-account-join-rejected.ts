import { MigrationInterface, QueryRunner } from 'typeorm';
import { ACCOUNT_JOIN_V1, ACCOUNT_JOIN_V2 } from '../../apps/accounts/src/join/account-join.function';

/** account_join with its second outcome, rejected (apps/accounts/src/join/account-join.function.ts). */
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
