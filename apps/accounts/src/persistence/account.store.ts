import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CustomerCreated, accountOpened, accountValidated, subjectOf } from '@calm/contracts';
import { OutgoingEvent, claimEvents, enqueueEvents } from '@calm/messaging';
import { Database } from '@calm/platform';
import { Account, join } from '../domain/account';
import { toAccount } from './account.mapper';
import { AccountOrmEntity } from './account.orm-entity';

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
 * forever, so both take this transaction-scoped lock on the customer id first.
 */
const LOCK_CUSTOMER = `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`;
/** Several customers at once, in key order so that two batches cannot deadlock. */
const LOCK_CUSTOMERS = `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 0) AS k FROM unnest($1::text[]) c) s ORDER BY k`;

const validatedEvent = (a: { accountId: string; customerId: string; validatedAt: string }, now: Date): OutgoingEvent => ({
  subject: subjectOf('account.validated', a.accountId),
  event: accountValidated({ accountId: a.accountId, customerId: a.customerId, validatedAt: a.validatedAt }, now.toISOString()),
});

@Injectable()
export class AccountStore {
  constructor(private readonly db: Database) {}

  /** The "account opened" path of the join. */
  open(cmd: OpenAccountCommand, now: Date): Promise<OpenOutcome> {
    return this.db.transaction(async (m) => {
      await m.query(LOCK_CUSTOMER, [cmd.customerId]);
      const inserted: unknown[] = await m.query(
        `INSERT INTO account (account_id, customer_id, currency, status, opened_at)
         VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (account_id) DO NOTHING RETURNING account_id`,
        [cmd.accountId, cmd.customerId, cmd.currency, now],
      );
      if (inserted.length === 0) {
        const existing = toAccount(await m.findOneByOrFail(AccountOrmEntity, { accountId: cmd.accountId }));
        const same = existing.customerId === cmd.customerId && existing.currency === cmd.currency;
        return { kind: same ? 'unchanged' : 'conflict', account: existing };
      }
      const openedAt = now.toISOString();
      const [customer]: { created_at: Date }[] = await m.query(`SELECT created_at FROM known_customer WHERE customer_id = $1`, [cmd.customerId]);
      const joined = join(openedAt, customer?.created_at.toISOString());
      const account: Account = { accountId: cmd.accountId, customerId: cmd.customerId, currency: cmd.currency, status: joined.status, openedAt, validatedAt: joined.validatedAt };
      const events: OutgoingEvent[] = [{ subject: subjectOf('account.opened', cmd.accountId), event: accountOpened({ ...cmd, openedAt }) }];
      if (account.status === 'valid') {
        await m.query(`UPDATE account SET status = 'valid', validated_at = $2 WHERE account_id = $1`, [cmd.accountId, account.validatedAt]);
        events.push(validatedEvent({ ...account, validatedAt: account.validatedAt! }, now));
      }
      await enqueueEvents(m, events);
      return { kind: 'created', account };
    });
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
    const row = await this.db.manager().findOneBy(AccountOrmEntity, { accountId });
    return row ? toAccount(row) : null;
  }

  async listByCustomer(customerId: string): Promise<Account[]> {
    const rows = await this.db.manager().find(AccountOrmEntity, { where: { customerId }, order: { openedAt: 'ASC', accountId: 'ASC' } });
    return rows.map(toAccount);
  }
}
