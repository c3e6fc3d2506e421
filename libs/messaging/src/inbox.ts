import { EntityManager } from 'typeorm';

/**
 * Claims event ids in the consumer's inbox inside the transaction that applies their
 * effect, and returns the ids that are new. It runs first in that transaction: a
 * concurrent duplicate blocks on the primary key until the first commits (then it
 * is seen as a duplicate) or rolls back (then it applies). Ids are inserted in sorted
 * order so two overlapping batches cannot deadlock on each other.
 * Invariant: an event id takes effect at most once, however late it is redelivered.
 */
export async function claimEvents(manager: EntityManager, events: { id: string; type: string }[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows: { event_id: string }[] = await manager.query(
    `INSERT INTO inbox (event_id, event_type)
     SELECT id, type FROM unnest($1::text[], $2::text[]) AS e(id, type) ORDER BY id
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    [events.map((e) => e.id), events.map((e) => e.type)],
  );
  return new Set(rows.map((r) => r.event_id));
}
