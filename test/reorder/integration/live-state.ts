/**
 * Quiescence and the live state of one trial: the account service's tables (shared by
 * both instances) and the ACCOUNTS stream, restricted to the trial's ids.
 */
import { Client } from 'pg';
import { consumers, streams } from '@calm/contracts';
import { waitFor } from '@calm/testing';
import { TestSystem } from '../../support/system';

export interface LiveAccount {
  accountId: string;
  customerId: string;
  currency: string;
  status: string;
  openedAt: string;
  validatedAt: string | null;
  rejectedAt: string | null;
}

export interface LiveState {
  accounts: Map<string, LiveAccount>;
  /** customer id -> known_customer.created_at */
  knownCustomers: Map<string, string>;
  /** event ids of the trial's customer.created and customer.sealed events that the inbox holds */
  inbox: Set<string>;
  deadLetters: string[];
  /** ACCOUNTS messages on the trial's accounts: subject and event id */
  accountEvents: { subject: string; id: string; customerId?: string; validatedAt?: string; rejectedAt?: string }[];
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Waits until every customer.created and customer.sealed on the stream has been
 * acknowledged by the durable consumers and the outbox has nothing left to publish, twice in a row (a message given
 * back between two looks would otherwise pass as done).
 */
export async function waitForQuiescence(system: TestSystem, db: Client, timeoutMs = 45_000): Promise<void> {
  let calmBefore = false;
  await waitFor(
    'quiescence (CUSTOMERS consumers drained and acked, outbox published)',
    async () => {
      const infos = await Promise.all(Object.values(consumers).map((c) => system.jsm.consumers.info(c.stream, c.durable)));
      const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).rows;
      const calm = infos.every((info) => info.num_pending === 0 && info.num_ack_pending === 0) && n === 0;
      const done = calm && calmBefore;
      calmBefore = calm;
      return done;
    },
    timeoutMs,
    150,
  );
}

export async function readLiveState(system: TestSystem, db: Client, accountIds: string[], customerIds: string[], eventIds: string[]): Promise<LiveState> {
  const accounts = new Map<string, LiveAccount>();
  const rows = await db.query<{
    account_id: string;
    customer_id: string;
    currency: string;
    status: string;
    opened_at: Date;
    validated_at: Date | null;
    rejected_at: Date | null;
  }>(`SELECT account_id, customer_id, currency, status, opened_at, validated_at, rejected_at FROM account WHERE account_id = ANY($1::uuid[])`, [accountIds]);
  for (const r of rows.rows) {
    accounts.set(r.account_id, {
      accountId: r.account_id,
      customerId: r.customer_id,
      currency: r.currency,
      status: r.status,
      openedAt: iso(r.opened_at)!,
      validatedAt: iso(r.validated_at),
      rejectedAt: iso(r.rejected_at),
    });
  }
  const known = await db.query<{ customer_id: string; created_at: Date }>(
    `SELECT customer_id, created_at FROM known_customer WHERE customer_id = ANY($1::uuid[])`,
    [customerIds],
  );
  const inbox = await db.query<{ event_id: string }>(`SELECT event_id FROM inbox WHERE event_id = ANY($1::text[])`, [eventIds]);
  const dead = await db.query<{ subject: string; reason: string }>(`SELECT subject, reason FROM dead_letter WHERE subject = ANY($1::text[])`, [
    customerIds.flatMap((c) => [`customer.created.${c}`, `customer.sealed.${c}`]),
  ]);
  const wanted = new Set(accountIds);
  const accountEvents = (await system.streamMessages(streams.accounts.name))
    .map((m) => {
      const data = m.data.data as { customerId?: string; validatedAt?: string; rejectedAt?: string } | undefined;
      return { subject: m.subject, id: m.data.id, customerId: data?.customerId, validatedAt: data?.validatedAt, rejectedAt: data?.rejectedAt };
    })
    .filter((m) => wanted.has(m.subject.split('.').slice(2).join('.')));
  return {
    accounts,
    knownCustomers: new Map(known.rows.map((r) => [r.customer_id, r.created_at.toISOString()])),
    inbox: new Set(inbox.rows.map((r) => r.event_id)),
    deadLetters: dead.rows.map((r) => `${r.subject}: ${r.reason}`),
    accountEvents,
  };
}
