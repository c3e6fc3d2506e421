import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /accounts with no filter pages by keyset on (opened_at, account_id) over the whole
 * table: this index serves it in page order, so a page reads limit + 1 entries whatever
 * the table size (the filtered pages have their own, 1763780001101).
 */
export class AccountKeysetIndex1763780017501 implements MigrationInterface {
  name = 'AccountKeysetIndex1763780017501';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX account_keyset_idx ON account (opened_at, account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX account_keyset_idx`);
  }
}
