import { Sql, sql } from '@calm/pg';

/**
 * Claims event ids in the consumer's inbox inside the transaction that applies their
 * effect; the statement answers the ids that are new as rows of `event_id`. It is
 * built with quoted literals, to be sent with other statements in one simple-protocol
 * message (one round trip). It runs first in that transaction: a
 * concurrent duplicate blocks on the primary key until the first commits (then it
 * is seen as a duplicate) or rolls back (then it applies). Ids are inserted in sorted
 * order so two overlapping batches cannot deadlock on each other.
 * Invariant: an event id takes effect at most once, however late it is redelivered.
 */
export function claimEventsSql(events: { id: string; type: string }[]): Sql {
  return sql`INSERT INTO inbox (event_id, event_type)
     SELECT id, type FROM unnest(${sql.array(
       events.map((e) => e.id),
       'text',
     )}, ${sql.array(
       events.map((e) => e.type),
       'text',
     )}) AS e(id, type) ORDER BY id
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`;
}
