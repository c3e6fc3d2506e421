import { EntityManager } from 'typeorm';
import { OutgoingEvent } from './outbox';

/**
 * Puts events back in the outbox for publishing again, inside the caller's transaction:
 * a row already there (published or not) is marked unpublished, a purged one is written
 * again. Same event id, so JetStream's dedupe window and the consumers' inboxes absorb
 * the copy; used when someone asks for a fact they may have missed (customers.resolve).
 */
export async function requeueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO outbox (event_id, subject, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
     ON CONFLICT (event_id) DO UPDATE SET published_at = NULL`,
    [events.map((e) => e.event.id), events.map((e) => e.subject), events.map((e) => JSON.stringify(e.event))],
  );
}
