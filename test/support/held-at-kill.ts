import { queryDatabase } from '@calm/testing';

/**
 * What a kill caught in the service's hands, counted so that it can be 0: outbox rows
 * committed but unpublished just BEFORE the kill and still unpublished right after it.
 * A row committed after the kill (the load goes on) is not counted, nor one whose
 * publish finished before the kill landed.
 */
export async function unpublishedIds(databaseUrl: string): Promise<Set<string>> {
  const rows = await queryDatabase<{ event_id: string }>(databaseUrl, 'SELECT event_id FROM outbox WHERE published_at IS NULL');
  return new Set(rows.map((r) => r.event_id));
}

/** Of the rows unpublished before the kill, those still unpublished now. */
export async function stillUnpublished(databaseUrl: string, before: Set<string>): Promise<string[]> {
  const now = await unpublishedIds(databaseUrl);
  return [...before].filter((id) => now.has(id));
}

/** The database's clock: compared with published_at, which the database writes. */
export async function databaseNow(databaseUrl: string): Promise<Date> {
  const [{ t }] = await queryDatabase<{ t: Date }>(databaseUrl, 'SELECT clock_timestamp() AS t');
  return t;
}

/** Of `ids`, those not published at or after `since` (unpublished, or published before it). */
export async function notPublishedSince(databaseUrl: string, ids: readonly string[], since: Date): Promise<string[]> {
  const rows = await queryDatabase<{ event_id: string }>(
    databaseUrl,
    'SELECT event_id FROM outbox WHERE event_id = ANY($1) AND (published_at IS NULL OR published_at < $2)',
    [ids, since],
  );
  return rows.map((r) => r.event_id);
}

/** Of the rows unpublished before a kill at `killedAt`, those it caught: still unpublished then (published at or after it, or not yet). */
export async function caughtAt(databaseUrl: string, before: Set<string>, killedAt: Date): Promise<string[]> {
  const rows = await queryDatabase<{ event_id: string }>(
    databaseUrl,
    'SELECT event_id FROM outbox WHERE event_id = ANY($1) AND (published_at IS NULL OR published_at >= $2)',
    [[...before], killedAt],
  );
  return rows.map((r) => r.event_id);
}
