import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEAD_LETTER_V1 } from '../shared/messaging-tables';

/** The customer service consumes partner announcements: refused and undecodable ones are dead letters. */
export class PartnerDeadLetters1763780017201 implements MigrationInterface {
  name = 'PartnerDeadLetters1763780017201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(DEAD_LETTER_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letter');
  }
}
