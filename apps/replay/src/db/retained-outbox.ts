import { Client } from 'pg';
import { ReplayContext, Service } from '../cli/replay-context';

/** An event a service's outbox says was stored (a row marked published) that the stream does not hold. */
export interface MissingEvent {
  service: Service;
  outboxId: string;
  eventId: string;
  subject: string;
  publishedAt: string;
}

/** Whose outbox proves what the fold reads: each service, and the subject prefixes of its rows that count. */
export type OutboxScope = { service: Service; prefixes: string[] }[];

/**
 * The services' retained outbox rows marked published, as the set of event ids the
 * streams must hold. The rows are read BEFORE the streams: every row marked published by
 * then was stored (the relay marks a row on its PubAck), so a stream read after it that
 * lacks the id has lost it. Rows marked later are not asked about. Ids are compared as
 * the stream's reader meets them (seen), so nothing per stream event is kept: memory
 * follows the outbox's retention, not the history's length.
 */
export class RetainedOutbox {
  private constructor(
    private readonly unseen: Set<string>,
    private readonly databases: Map<Service, Client>,
    /** Why an outbox was not compared (its database or table does not exist), one line each. */
    readonly notes: string[],
  ) {}

  static async load(ctx: ReplayContext, scope: OutboxScope): Promise<RetainedOutbox> {
    const unseen = new Set<string>();
    const databases = new Map<Service, Client>();
    const notes: string[] = [];
    for (const { service, prefixes } of scope) {
      const db = await ctx.databaseIfExists(service);
      if (!db) {
        notes.push(`the ${service} database does not exist (its service never ran): no outbox rows to compare with the streams`);
        continue;
      }
      const { rows: table } = await db.query(`SELECT to_regclass('outbox') IS NOT NULL AS present`);
      if (!table[0].present) {
        notes.push(`the ${service} database has no outbox table (its service never ran): no outbox rows to compare with the streams`);
        continue;
      }
      databases.set(service, db);
      // One string, not a row per id: pg's per-row decoding cost more than the read.
      const { rows } = await db.query(
        `SELECT coalesce(string_agg(event_id, E'\\n'), '') AS ids FROM outbox
         WHERE published_at IS NOT NULL AND subject ^@ ANY ($1::text[])`,
        [prefixes],
      );
      if (rows[0].ids) for (const id of (rows[0].ids as string).split('\n')) unseen.add(id);
    }
    return new RetainedOutbox(unseen, databases, notes);
  }

  /** True while some published row's id has not been met on a stream (so the reader need not build an id string otherwise). */
  get waiting(): boolean {
    return this.unseen.size > 0;
  }

  /** The stream holds this event id. */
  seen(eventId: string): void {
    this.unseen.delete(eventId);
  }

  /** The rows whose id no stream held, by service and outbox row, each with its subject. */
  async missing(): Promise<MissingEvent[]> {
    if (this.unseen.size === 0) return [];
    const ids = [...this.unseen];
    const found: MissingEvent[] = [];
    for (const [service, db] of this.databases) {
      const { rows } = await db.query(
        `SELECT id::text AS "outboxId", event_id AS "eventId", subject, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt"
         FROM outbox WHERE event_id = ANY($1::text[]) AND published_at IS NOT NULL ORDER BY id`,
        [ids],
      );
      for (const r of rows) found.push({ service, ...r });
    }
    return found;
  }
}

export const describeMissing = (m: MissingEvent): string =>
  `missing: ${m.subject} (event ${m.eventId}): the ${m.service} outbox (row ${m.outboxId}) says it was stored at ${m.publishedAt}, the stream does not hold it`;
