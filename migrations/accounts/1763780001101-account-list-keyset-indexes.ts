import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /accounts pages by keyset on (opened_at, account_id) under a customer or a status
 * filter: each index serves one filter in page order, so a page reads limit + 1 entries
 * whatever the table size. The customer index replaces the single-column one it extends.
 */
export class AccountListKeysetIndexes1763780001101 implements MigrationInterface {
  name = 'AccountListKeysetIndexes1763780001101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX account_customer_keyset_idx ON account (customer_id, opened_at, account_id);
      DROP INDEX account_customer_idx;
      CREATE INDEX account_status_keyset_idx ON account (status, opened_at, account_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX account_customer_idx ON account (customer_id);
      DROP INDEX account_customer_keyset_idx;
      DROP INDEX account_status_keyset_idx;
    `);
  }
}
