import { MigrationInterface, QueryRunner } from 'typeorm';

/** The account service's replica of the one customer fact it needs: "created, earliest at". */
export class CreateKnownCustomer1763780000002 implements MigrationInterface {
  name = 'CreateKnownCustomer1763780000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE known_customer (
        customer_id uuid PRIMARY KEY,
        created_at  timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE known_customer');
  }
}
