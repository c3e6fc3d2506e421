import { EntityManager } from 'typeorm';
import { OutgoingEvent, enqueueEventsSql } from './outbox';

/**
 * Puts events back in the outbox for publishing again, inside the caller's transaction:
 * a row already there (published or not) is marked unpublished and keeps the trace
 * context it was written with; a purged one is written again with the event's `trace`
 * (the context of the work that made the fact, kept by the caller), or the active span's.
 * Same event id, so JetStream's dedupe window and the consumers' inboxes absorb the copy;
 * used when someone asks for a fact they may have missed (customers.resolve).
 */
export async function requeueEvents(manager: EntityManager, events: OutgoingEvent[]): Promise<void> {
  if (events.length) await manager.query(enqueueEventsSql(events, 'requeue').text);
}
