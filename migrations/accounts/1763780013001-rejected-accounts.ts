import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The join's second outcome: `rejected <- opened AND sealed`. The account gets its
 * rejection time, and the service keeps a replica of the one seal fact it needs
 * ("sealed, earliest at"), beside known_customer.
 */
export class RejectedAccounts1763780013001 implements MigrationInterface {
  name = 'RejectedAccounts1763780013001';

  async up(q: QueryRunner): Promise<void> {
    // account_status_check and account_check are PostgreSQL's names for the two CHECKs of
    // 1763780000001 (a column constraint, a table constraint): replaced by the pair below.
    await q.query(`
      ALTER TABLE account
        DROP CONSTRAINT account_status_check,
        DROP CONSTRAINT account_check,
        ADD COLUMN rejected_at timestamptz,
        ADD CONSTRAINT account_status_check CHECK (status IN ('pending', 'valid', 'rejected')),
        -- each outcome has its time and only its time; a pending account has neither
        ADD CONSTRAINT account_outcome_time_check CHECK ((status = 'valid') = (validated_at IS NOT NULL) AND (status = 'rejected') = (rejected_at IS NOT NULL));
      CREATE TABLE sealed_customer (
        customer_id uuid PRIMARY KEY,
        sealed_at   timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sealed_customer;
      UPDATE account SET status = 'pending', rejected_at = NULL WHERE status = 'rejected';
      ALTER TABLE account DROP CONSTRAINT account_outcome_time_check, DROP CONSTRAINT account_status_check, DROP COLUMN rejected_at,
        ADD CONSTRAINT account_status_check CHECK (status IN ('pending', 'valid')),
        ADD CONSTRAINT account_check CHECK ((status = 'valid') = (validated_at IS NOT NULL));
    `);
  }
}
