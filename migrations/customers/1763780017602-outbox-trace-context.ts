import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TRACE_CONTEXT, OUTBOX_TRACE_CONTEXT_DOWN } from '../shared/messaging-tables';

export class OutboxTraceContext1763780017602 implements MigrationInterface {
  name = 'OutboxTraceContext1763780017602';

  async up(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TRACE_CONTEXT);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(OUTBOX_TRACE_CONTEXT_DOWN);
  }
}
