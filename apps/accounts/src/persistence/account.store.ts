import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Pool } from 'pg';
import { CustomerCreated, CustomerSealed, ResolveDecision } from '@calm/contracts';
import { Database } from '@calm/pg';
import { Account } from '@calm/folds';
import { ACCOUNT_COLUMNS, AccountRow, fromRow } from './account.mapper';
import { applyCustomerFacts, ownerDecisionFact } from './customer-facts';
import { CustomerFact, createdFacts, traceOf } from './customers-created.sql';
import { GroupCommit, GroupCommitOptions } from './group-commit';
import { convergenceSpan } from './join-trace';
import type { OpenAccountCommand, OpenRow } from './open-account.sql';
import { OpenMember, openMember, runOpenAccounts } from './open-accounts-batch.sql';
import { listAccounts } from './list-accounts.sql';
import { ListAccountsFilter } from '../get-account/list-accounts.filter';
import { AccountCursor } from '../get-account/account-cursor';

export type { OpenAccountCommand };

export type OpenOutcome = { kind: 'created' | 'unchanged'; account: Account } | { kind: 'conflict'; account: Account };

/** What a batch of customer facts did, after commit: the caller wakes the relay and records metrics. */
export interface CustomerFactsOutcome {
  /** Facts the inbox did not hold yet. */
  fresh: number;
  /** Copies the inbox already held: acknowledged without a second effect. */
  duplicates: number;
  /** Opening times of the accounts this batch turned valid. */
  validatedOpenedAt: Date[];
}

/** Group commit of POST /accounts (AccountsTuning.groupCommit overrides it; maxBatch 1 turns it off). */
export const OPEN_GROUP_COMMIT = Symbol('OPEN_GROUP_COMMIT');
export const DEFAULT_OPEN_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 16, maxInFlight: 4 };

@Injectable()
export class AccountStore {
  private readonly opens: GroupCommit<OpenMember, OpenRow | null>;

  constructor(
    private readonly db: Database,
    @Optional() @Inject(OPEN_GROUP_COMMIT) groupCommit?: GroupCommitOptions,
  ) {
    this.opens = new GroupCommit((members) => runOpenAccounts(this.pool(), members), groupCommit ?? DEFAULT_OPEN_GROUP_COMMIT);
  }

  /**
   * The "account opened" path of the join: one round trip, shared with the POSTs that
   * arrive at the same time (group commit: one call of open_accounts, open-accounts-batch.sql.ts). Answers after
   * the transaction holding this account committed; created / unchanged / conflict is
   * decided for this request alone.
   */
  async open(cmd: OpenAccountCommand, now: Date): Promise<OpenOutcome> {
    // Built here, per request: its events' envelopes (ids, subjects, JSON). The group's
    // one statement locks every member's customer, then opens each (open-accounts-batch.sql.ts).
    const member = openMember(cmd, now);
    const row = await this.opens.submit(member);
    if (row?.created) {
      // The account path completed the join: its outcome event carries this POST's context.
      if (row.status !== 'pending')
        convergenceSpan(
          { ...cmd, status: row.status, firstFactAt: row.opened_at },
          { type: 'account.opened', time: member.openedAt, trace: member.trace },
          now,
        );
      return { kind: 'created', account: fromRow(row) };
    }
    // The id exists: a repeat (200) or a conflicting one (409). Null when it committed
    // after the statement's snapshot (a concurrent first POST): read it again.
    const existing = row ? fromRow(row) : await this.get(cmd.accountId);
    if (!existing) throw new Error(`account ${cmd.accountId} conflicted on insert but cannot be read`);
    const same = existing.customerId === cmd.customerId && existing.currency === cmd.currency;
    return { kind: same ? 'unchanged' : 'conflict', account: existing };
  }

  /**
   * The customer paths of the join (customer.created, customer.sealed), for a batch of
   * facts in one transaction of two round trips (customers-created.sql.ts): inbox,
   * customer locks, replica upserts (earliest time wins) and the set-based join of their
   * accounts.
   */
  async applyCustomerFacts(facts: CustomerFact[], now: Date): Promise<CustomerFactsOutcome> {
    const { fresh, decided } = await applyCustomerFacts(this.pool(), facts, now);
    const validatedOpenedAt = decided.filter((v) => v.status === 'valid').map((v) => v.opened_at);
    return { fresh, duplicates: facts.length - fresh, validatedOpenedAt };
  }

  applyCustomersCreated(events: CustomerCreated[], now: Date): Promise<CustomerFactsOutcome> {
    return this.applyCustomerFacts(createdFacts(events), now);
  }

  applyCustomersSealed(events: CustomerSealed[], now: Date): Promise<CustomerFactsOutcome> {
    return this.applyCustomerFacts(
      events.map((e) => ({ id: e.id, type: e.type, customerId: e.data.customerId, time: e.data.sealedAt, trace: traceOf(e) })),
      now,
    );
  }

  /** The owner's answer to customers.resolve, applied as the fact its stream carries (customer-facts.ts). */
  applyOwnerDecision(d: ResolveDecision, now: Date): Promise<CustomerFactsOutcome> {
    return this.applyCustomerFacts([ownerDecisionFact(d)], now);
  }

  async get(accountId: string): Promise<Account | null> {
    const { rows } = await this.pool().query<AccountRow>({
      name: 'account-get',
      text: `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE account_id = $1`,
      values: [accountId],
    });
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** One page of accounts (list-accounts.sql.ts): bounded, in a stable order. */
  list(filter: ListAccountsFilter): Promise<{ items: Account[]; next: AccountCursor | null }> {
    return listAccounts(this.pool(), filter);
  }

  /** The pg pool (Database.pool): the hot paths' statements cost less than TypeORM's query runner. */
  private pool(): Pool {
    return this.db.pool();
  }
}
