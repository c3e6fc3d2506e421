import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCustomer1763780000001 implements MigrationInterface {
  name = 'CreateCustomer1763780000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer (
        customer_id uuid PRIMARY KEY,
        name        text NOT NULL,
        email       text NOT NULL,
        created_at  timestamptz NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customer');
  }
}
