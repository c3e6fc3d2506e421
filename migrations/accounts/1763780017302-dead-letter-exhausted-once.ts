import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message that ran out of deliveries is recorded once, whichever instance heard the
 * server's advisory first (max-deliveries.listener.ts inserts ON CONFLICT DO NOTHING).
 */
export class DeadLetterExhaustedOnce1763780017302 implements MigrationInterface {
  name = 'DeadLetterExhaustedOnce1763780017302';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX dead_letter_exhausted_once ON dead_letter (stream, consumer, stream_seq) WHERE reason = 'max deliveries'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX dead_letter_exhausted_once');
  }
}
