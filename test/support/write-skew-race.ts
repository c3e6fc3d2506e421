import { Client } from 'pg';
import { eventIds } from '@calm/contracts';
import { queryDatabase } from '@calm/testing';

/**
 * Proof that a write-skew load raced (test/e2e/write-skew.e2e-spec.ts and the mixed-case
 * run in canonical-input.e2e-spec.ts): customer locks seen waited on, and pairs whose
 * POST and customer.created transactions provably overlapped. Without it, "every account
 * valid" could come from a load that never raced.
 */

/** One POST and the customer.created of its customer, sent at the same instant. */
export interface RacedPair {
  accountId: string;
  eventId: string;
  /** Whether the POST's own answer was already valid (it saw the customer). */
  validAtPost: boolean;
}

/**
 * Polls pg_locks while the load runs and collects the advisory locks some transaction
 * was waiting for. Each key is one customer; only its POST and its event take that
 * lock, so a wait is a POST and an event of one customer in flight at the same time.
 * Sampling can miss waits (a lower bound), never invent one.
 */
export function watchLockWaits(url: string): { stop: () => Promise<number> } {
  const seen = new Set<string>();
  let running = true;
  const client = new Client({ connectionString: url });
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ k: string }>(
        `SELECT classid::text || ':' || objid::text AS k FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      for (const r of rows) seen.add(r.k);
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen.size;
    },
  };
}

/**
 * Pairs whose two transactions were provably open at the same time, from what each saw
 * and the database's own clock (now() is a transaction's start: outbox.created_at of
 * account.opened for the POST, inbox.received_at for the customer batch):
 * - neither saw the other (the account is still pending): each read before the other committed;
 * - the POST started first and still saw the customer: it was open while the customer committed;
 * - the customer started first and the POST did not see it: it was open while the POST read.
 * A race the lock serialised looks like a sequential run here; watchLockWaits sees those.
 */
export async function overlapping(databaseUrl: string, pairs: RacedPair[]): Promise<number> {
  const micros = (table: string, column: string, ids: string[]) =>
    queryDatabase<{ event_id: string; t: string }>(
      databaseUrl,
      `SELECT event_id, (extract(epoch FROM ${column}) * 1000000)::bigint::text AS t FROM ${table} WHERE event_id = ANY($1)`,
      [ids],
    ).then((rows) => new Map(rows.map((r) => [r.event_id, BigInt(r.t)])));
  const postStarted = await micros(
    'outbox',
    'created_at',
    pairs.map((p) => eventIds.accountOpened(p.accountId)),
  );
  const eventStarted = await micros(
    'inbox',
    'received_at',
    pairs.map((p) => p.eventId),
  );
  const pending = new Set(
    (
      await queryDatabase<{ account_id: string }>(databaseUrl, `SELECT account_id FROM account WHERE status = 'pending' AND account_id = ANY($1)`, [
        pairs.map((p) => p.accountId),
      ])
    ).map((r) => r.account_id),
  );
  return pairs.filter((p) => {
    if (pending.has(p.accountId)) return true;
    const [post, event] = [postStarted.get(eventIds.accountOpened(p.accountId))!, eventStarted.get(p.eventId)!];
    return p.validAtPost ? post < event : event < post;
  }).length;
}
