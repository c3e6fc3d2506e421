import { Client } from 'pg';
import { isCanonicalUuid } from '@calm/contracts';
import { Service } from '../cli/replay-context';
import { MissingEvent } from './retained-outbox';
import { SCRATCH } from './scratch-tables';

interface Target {
  live: string;
  scratch: string;
  key: string;
}

/** The live table each folded event type puts a row in, per service, and its scratch twin. */
const TARGETS: Record<Service, Record<string, Target>> = {
  accounts: {
    'account.opened': { live: 'account', scratch: SCRATCH.account, key: 'account_id' },
    'customer.created': { live: 'known_customer', scratch: SCRATCH.knownCustomer, key: 'customer_id' },
    'customer.sealed': { live: 'sealed_customer', scratch: SCRATCH.sealedCustomer, key: 'customer_id' },
  },
  customers: {
    'customer.created': { live: 'customer', scratch: SCRATCH.customer, key: 'customer_id' },
    'customer.sealed': { live: 'customer', scratch: SCRATCH.customer, key: 'customer_id' },
  },
};

export interface DroppedRow {
  table: string;
  id: string;
  /** The missing event that held it. */
  event: MissingEvent;
}

/**
 * The live rows a rebuild would drop because the events that hold them are missing from
 * the streams: a live row of a missing event's entity (its subject's last token) that the
 * fold has no row for. A "not in the fold" is not monotone: it is read once the fold is
 * complete in scratch, and rebuild refuses while a service writes the live tables.
 */
export async function rowsDroppedByMissing(db: Client, service: Service, missing: MissingEvent[]): Promise<DroppedRow[]> {
  const byTarget = new Map<Target, Map<string, MissingEvent>>();
  for (const m of missing) {
    const dot = m.subject.lastIndexOf('.');
    const target = TARGETS[service][m.subject.slice(0, dot)];
    const id = m.subject.slice(dot + 1).toLowerCase();
    if (!target || !isCanonicalUuid(id)) continue;
    if (!byTarget.has(target)) byTarget.set(target, new Map());
    byTarget.get(target)!.set(id, m);
  }
  const dropped: DroppedRow[] = [];
  for (const [t, events] of byTarget) {
    const { rows } = await db.query<{ id: string }>(
      `SELECT l.${t.key}::text AS id FROM ${t.live} l
       WHERE l.${t.key} = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ${t.scratch} s WHERE s.${t.key} = l.${t.key}) ORDER BY 1`,
      [[...events.keys()]],
    );
    for (const r of rows) dropped.push({ table: t.live, id: r.id, event: events.get(r.id)! });
  }
  return dropped;
}
