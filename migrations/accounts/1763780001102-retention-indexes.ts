import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The retention sweep finds expired inbox rows and dead letters by time. The inbox is
 * written on the hot path in time order, so a BRIN index (a few pages, nearly free to
 * maintain) finds its old end; dead letters are few and get an ordinary index.
 */
export class RetentionIndexes1763780001102 implements MigrationInterface {
  name = 'RetentionIndexes1763780001102';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX inbox_received_at_brin ON inbox USING brin (received_at);
      CREATE INDEX dead_letter_failed_at_idx ON dead_letter (failed_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX inbox_received_at_brin; DROP INDEX dead_letter_failed_at_idx');
  }
}
