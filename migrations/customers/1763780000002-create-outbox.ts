import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_V1 } from '../shared/messaging-tables';

export class CreateOutbox1763780000002 implements MigrationInterface {
  name = 'CreateOutbox1763780000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
  }
}
