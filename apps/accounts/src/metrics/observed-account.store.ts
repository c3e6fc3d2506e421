import { Inject, Injectable, Optional } from '@nestjs/common';
import { CustomerCreated } from '@calm/contracts';
import { Database } from '@calm/platform';
import { AccountStore, OPEN_GROUP_COMMIT, OpenAccountCommand, OpenOutcome } from '../persistence/account.store';
import type { GroupCommitOptions } from '../persistence/group-commit';
import { AccountsMetrics } from './accounts.metrics';

/**
 * AccountStore plus the convergence histogram (opened to valid): 0 for an account
 * valid in its POST answer, and now - openedAt for each account a customer.created
 * batch turned valid, as the store reports them after commit.
 */
@Injectable()
export class ObservedAccountStore extends AccountStore {
  // The group commit options stay the SECOND parameter, as in AccountStore: Nest reads
  // @Inject metadata through the prototype chain, so the parent's index 1 applies here too.
  constructor(
    database: Database,
    @Optional() @Inject(OPEN_GROUP_COMMIT) groupCommit: GroupCommitOptions | undefined,
    private readonly metrics: AccountsMetrics,
  ) {
    super(database, groupCommit);
  }

  override async open(cmd: OpenAccountCommand, now: Date): Promise<OpenOutcome> {
    const outcome = await super.open(cmd, now);
    // Valid at the first POST: its customer was already known, convergence is 0.
    if (outcome.kind === 'created' && outcome.account.status === 'valid') this.metrics.convergence.observe(0);
    return outcome;
  }

  /** Counts the copies the inbox refused, so a test (or an operator) can see redelivery absorbed. */
  override async applyCustomersCreated(events: CustomerCreated[], now: Date): Promise<number> {
    const fresh = await super.applyCustomersCreated(events, now);
    if (events.length > fresh) this.metrics.duplicates.inc({ type: 'customer.created' }, events.length - fresh);
    return fresh;
  }

  protected override accountsValidated(openedAt: Date[]): void {
    this.metrics.converged(openedAt);
  }
}
