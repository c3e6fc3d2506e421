import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEAD_LETTER_EXHAUSTED_ONCE } from '../shared/messaging-tables';

/** Each exhausted partner announcement (the customer service's one consumer) is one dead letter. */
export class DeadLetterExhaustedOnce1763780017302 implements MigrationInterface {
  name = 'DeadLetterExhaustedOnce1763780017302';

  async up(q: QueryRunner): Promise<void> {
    await q.query(DEAD_LETTER_EXHAUSTED_ONCE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX dead_letter_exhausted_once');
  }
}
