import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { CustomerCreated, accountValidated, subjectOf } from '@calm/contracts';
import { OutgoingEvent, claimEvents, enqueueEvents } from '@calm/messaging';
import { Database } from '@calm/platform';
import { Account } from '../domain/account';
import { ACCOUNT_COLUMNS, AccountRow, fromRow } from './account.mapper';
import { openAccountSql, runOpenAccount } from './open-account.sql';

export interface OpenAccountCommand {
  accountId: string;
  customerId: string;
  currency: string;
}

export type OpenOutcome = { kind: 'created' | 'unchanged'; account: Account } | { kind: 'conflict'; account: Account };

/**
 * Write-skew guard. The two paths of the join each read what the other writes (an
 * account insert reads known_customer; a customer insert reads account). Under READ
 * COMMITTED two such transactions can miss each other and leave an account pending
 * forever, so both take a transaction-scoped lock on the customer id first
 * (pg_advisory_xact_lock(hashtextextended(customer_id, 0)); the account path's is in
 * open-account.sql.ts). Several customers at once, in key order so that two batches cannot deadlock.
 */
const LOCK_CUSTOMERS = `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 0) AS k FROM unnest($1::text[]) c) s ORDER BY k`;

const validatedEvent = (a: { accountId: string; customerId: string; validatedAt: string }, now: Date): OutgoingEvent => ({
  subject: subjectOf('account.validated', a.accountId),
  event: accountValidated({ accountId: a.accountId, customerId: a.customerId, validatedAt: a.validatedAt }, now.toISOString()),
});

@Injectable()
export class AccountStore {
  constructor(private readonly db: Database) {}

  /** The "account opened" path of the join: one round trip (see open-account.sql.ts). */
  async open(cmd: OpenAccountCommand, now: Date): Promise<OpenOutcome> {
    const row = await runOpenAccount(this.pool(), openAccountSql(cmd, now));
    if (row?.created) return { kind: 'created', account: fromRow(row) };
    // The id exists: a repeat (200) or a conflicting one (409). Null when it committed
    // after the statement's snapshot (a concurrent first POST): read it again.
    const existing = row ? fromRow(row) : await this.get(cmd.accountId);
    if (!existing) throw new Error(`account ${cmd.accountId} conflicted on insert but cannot be read`);
    const same = existing.customerId === cmd.customerId && existing.currency === cmd.currency;
    return { kind: same ? 'unchanged' : 'conflict', account: existing };
  }

  /**
   * The "customer created" path of the join, for a batch of events in one transaction:
   * inbox first, then the customer locks, the replica upsert (earliest time wins: a
   * monotone min), and one set-based update of that customer's accounts that mirrors
   * `join` in SQL: valid at GREATEST(opened_at, created_at). Returns how many events were new.
   */
  applyCustomersCreated(events: CustomerCreated[], now: Date): Promise<number> {
    return this.db.transaction(async (m) => {
      const fresh = await claimEvents(m, events);
      const earliest = new Map<string, string>();
      for (const e of events) {
        if (!fresh.has(e.id)) continue;
        const t = earliest.get(e.data.customerId);
        if (t === undefined || Date.parse(e.time) < Date.parse(t)) earliest.set(e.data.customerId, e.time);
      }
      if (earliest.size === 0) return 0;
      const ids = [...earliest.keys()];
      await m.query(LOCK_CUSTOMERS, [ids]);
      await m.query(
        `INSERT INTO known_customer (customer_id, created_at)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[])
         ON CONFLICT (customer_id) DO UPDATE SET created_at = LEAST(known_customer.created_at, EXCLUDED.created_at)`,
        [ids, [...earliest.values()]],
      );
      const changed = await this.revalidate(m, ids);
      await enqueueEvents(m, changed.filter((c) => c.was === 'pending').map((c) => validatedEvent(c, now)));
      return fresh.size;
    });
  }

  private revalidate(m: EntityManager, customerIds: string[]): Promise<{ accountId: string; customerId: string; validatedAt: string; was: string }[]> {
    return m
      .query(
        `WITH target AS (
           SELECT a.account_id, a.status AS was, GREATEST(a.opened_at, k.created_at) AS v
           FROM account a JOIN known_customer k USING (customer_id)
           WHERE a.customer_id = ANY($1::uuid[])
             AND (a.status = 'pending' OR a.validated_at > GREATEST(a.opened_at, k.created_at))
           FOR UPDATE OF a)
         UPDATE account a SET status = 'valid', validated_at = t.v FROM target t
         WHERE a.account_id = t.account_id
         RETURNING a.account_id, a.customer_id, a.validated_at, t.was`,
        [customerIds],
      )
      // TypeORM answers an UPDATE with [rows, rowCount].
      .then(([rows]: [{ account_id: string; customer_id: string; validated_at: Date; was: string }[], number]) =>
        rows.map((r) => ({ accountId: r.account_id, customerId: r.customer_id, validatedAt: r.validated_at.toISOString(), was: r.was })),
      );
  }

  async get(accountId: string): Promise<Account | null> {
    const { rows } = await this.pool().query<AccountRow>({ name: 'account-get', text: `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE account_id = $1`, values: [accountId] });
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async listByCustomer(customerId: string): Promise<Account[]> {
    const { rows } = await this.pool().query<AccountRow>({
      name: 'account-list-by-customer',
      text: `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE customer_id = $1 ORDER BY opened_at, account_id`,
      values: [customerId],
    });
    return rows.map(fromRow);
  }

  /**
   * The driver's pool, for the hot paths that TypeORM would only slow down (its query
   * runner costs more than these statements). Throws DatabaseUnavailableError (503)
   * while the database is not connected, like every other access.
   */
  private pool(): Pool {
    return (this.db.manager().connection.driver as PostgresDriver).master as Pool;
  }
}
