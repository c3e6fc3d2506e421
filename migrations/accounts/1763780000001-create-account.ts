import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAccount1763780000001 implements MigrationInterface {
  name = 'CreateAccount1763780000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account (
        account_id   uuid PRIMARY KEY,
        customer_id  uuid NOT NULL,
        currency     char(3) NOT NULL,
        status       text NOT NULL CHECK (status IN ('pending', 'valid')),
        opened_at    timestamptz NOT NULL,
        validated_at timestamptz,
        -- a valid account has a validation time, a pending one has none
        CHECK ((status = 'valid') = (validated_at IS NOT NULL))
      );
      CREATE INDEX account_customer_idx ON account (customer_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE account');
  }
}
