import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEAD_LETTER_V1, INBOX_V1, OUTBOX_V1 } from '../shared/messaging-tables';

export class CreateMessagingTables1763780000003 implements MigrationInterface {
  name = 'CreateMessagingTables1763780000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_V1);
    await q.query(INBOX_V1);
    await q.query(DEAD_LETTER_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letter; DROP TABLE inbox; DROP TABLE outbox');
  }
}
