import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Pool } from 'pg';
import { CustomerCreated, CustomerSealed, ResolveDecision } from '@calm/contracts';
import { Database } from '@calm/pg';
import { OutboxRelay } from '@calm/outbox';
import { Account } from '@calm/folds';
import { fromRow, readAccount } from './account.mapper';
import { CustomerFact, createdFacts, decidedRows, ownerDecisionFact, runCustomerFacts, traceOf } from './customer-facts.sql';
import { GroupCommit, GroupCommitOptions } from './group-commit';
import { tracingStarted } from '@calm/tracing';
import { convergenceSpan } from './join-trace';
import { customerFactOf } from './fact-traces.sql';
import type { OpenAccountCommand, OpenRow } from './open-account.sql';
import { OpenMember, openMember, runOpenAccounts } from './open-accounts-batch.sql';
import { AccountCursor, ListAccountsFilter, listAccounts } from './list-accounts.sql';

export type { OpenAccountCommand };

export type OpenOutcome = { kind: 'created' | 'unchanged'; account: Account } | { kind: 'conflict'; account: Account };

/** What a batch of customer facts did, after commit (the store has woken the relay): the caller records metrics. */
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

/**
 * The service's writer of account state. Every method that commits outbox rows wakes the relay
 * itself, after the commit, so no caller can forget to (the relay would still find the
 * rows on its next poll, a second later).
 */
@Injectable()
export class AccountStore {
  private readonly opens: GroupCommit<OpenMember, OpenRow | null>;

  constructor(
    private readonly db: Database,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'wake'>,
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
      this.relay.wake();
      if (row.status !== 'pending' && tracingStarted()) await this.traceConvergence(row, member, now);
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
   * The account path completed the join: its outcome event carries this POST's context;
   * the convergence span starts at the first fact (the customer's, when it came first) and
   * links to the customer's fact (fact-traces.sql.ts).
   */
  private async traceConvergence(row: OpenRow, member: OpenMember, now: Date): Promise<void> {
    // The account is committed: a failed read costs the span its link and true start, never the POST its answer.
    const customer = await customerFactOf(this.pool(), member.customerId, row.status === 'valid' ? 'valid' : 'rejected').catch(() => undefined);
    const firstFactAt = new Date(Math.min(row.opened_at.getTime(), customer?.time.getTime() ?? Infinity));
    convergenceSpan(
      { ...member, status: row.status, firstFactAt },
      { type: 'account.opened', time: member.openedAt, trace: member.trace },
      now,
      customer?.trace,
    );
  }

  /**
   * The customer paths of the join (customer.created, customer.sealed), for a batch of
   * facts in one transaction of two round trips (customer-facts.sql.ts): inbox,
   * customer locks, replica upserts (earliest time wins) and the set-based join of their
   * accounts.
   */
  async applyCustomerFacts(facts: CustomerFact[], now: Date): Promise<CustomerFactsOutcome> {
    if (facts.length === 0) return { fresh: 0, duplicates: 0, validatedOpenedAt: [] };
    const { fresh, joined } = await runCustomerFacts(this.pool(), facts, now);
    if (fresh > 0) this.relay.wake();
    const decided = decidedRows(joined);
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

  /** The owner's answer to customers.resolve, applied as the fact its stream carries (customer-facts.sql.ts). */
  applyOwnerDecision(d: ResolveDecision, now: Date): Promise<CustomerFactsOutcome> {
    return this.applyCustomerFacts([ownerDecisionFact(d)], now);
  }

  get(accountId: string): Promise<Account | null> {
    return readAccount(this.pool(), accountId);
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
