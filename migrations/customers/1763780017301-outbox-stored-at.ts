import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_V2_STORED_AT } from '../shared/messaging-tables';

export class OutboxStoredAt1763780017301 implements MigrationInterface {
  name = 'OutboxStoredAt1763780017301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_V2_STORED_AT);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX outbox_stream_seq_idx; ALTER TABLE outbox DROP COLUMN stream, DROP COLUMN stream_seq');
  }
}
