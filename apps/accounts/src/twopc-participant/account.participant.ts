import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { OutboxRelay } from '@calm/outbox';
import { sql } from '@calm/pg';
import { BranchRefused, PLATFORM_CONFIG, PreparedBranches } from '@calm/nest-platform';
import { ServiceConfig } from '@calm/config';
import { DEFAULT_CURRENCY } from '../open-account/open-account.handler';
import { lockCustomersSql } from '../join/account-join.sql';
import { openAccountsSql, openMember } from '../persistence/open-accounts-batch.sql';

export interface AccountBranch {
  accountId: string;
  customerId: string;
  /** The customer's creation, decided in the same global transaction by the customer service's branch. */
  customerCreatedAt: string;
}

/**
 * The account service as a participant of a two-phase commit (the coordination bench's
 * `twopc` design). Its branch applies the customer's creation with the consumer's own
 * function (apply_customer_facts, as if customer.created had arrived) and opens the
 * account with the POST's own statement (open_accounts), so the account is valid from its
 * first committed state. The write-skew guard (the customer's advisory lock) is taken
 * first, as on both paths of the join; in a prepared branch it is held until the
 * coordinator finishes it, so branches for one customer serialise on it (strict 2PL).
 */
@Injectable()
export class AccountParticipant implements OnModuleDestroy {
  readonly branches: PreparedBranches;

  constructor(@Inject(PLATFORM_CONFIG) config: ServiceConfig, relay: OutboxRelay) {
    this.branches = new PreparedBranches(config.databaseUrl, 'accounts', () => relay.wake());
  }

  async prepare(gid: string, b: AccountBranch, now: Date): Promise<void> {
    // open_accounts takes the same guard again (a transaction's advisory lock is re-entrant).
    const lock = lockCustomersSql([b.customerId]);
    const open = openAccountsSql([openMember({ accountId: b.accountId, customerId: b.customerId, currency: DEFAULT_CURRENCY }, now)]);
    const fact = sql`SELECT count(*) FROM apply_customer_facts(${sql.array([b.customerId], 'uuid')}, ${sql.array([b.customerCreatedAt], 'timestamptz')}, '{}', '{}')`;
    await this.branches.prepare(gid, async (c, begin) => {
      // One round trip: the guard, the customer's fact, the account.
      const results = (await c.query(`${begin} ${lock.text}; ${fact.text}; ${open.text}`)) as unknown as { rows: { customer_id: string }[] }[];
      const row = results[results.length - 1].rows[0];
      if (row.customer_id !== b.customerId) throw new BranchRefused(`account ${b.accountId} already exists with customerId ${row.customer_id}`);
    });
  }

  onModuleDestroy(): Promise<void> {
    return this.branches.close();
  }
}
