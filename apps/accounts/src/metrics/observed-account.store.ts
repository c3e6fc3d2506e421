import { Injectable } from '@nestjs/common';
import { CustomerCreated } from '@calm/contracts';
import { Database } from '@calm/platform';
import { AccountStore, OpenAccountCommand, OpenOutcome } from '../persistence/account.store';
import { AccountsMetrics } from './accounts.metrics';

/**
 * AccountStore plus the convergence histogram. The store answers the customer path
 * with a count only, so this looks up the customers' pending accounts before the
 * batch and which of them are valid after it. Those two reads are outside the
 * batch's transaction: an account validated by another instance in between may be
 * counted by both (harmless for a latency histogram). They go away once the store
 * returns the accounts it validated (asked of its owner).
 */
@Injectable()
export class ObservedAccountStore extends AccountStore {
  constructor(
    private readonly database: Database,
    private readonly metrics: AccountsMetrics,
  ) {
    super(database);
  }

  override async open(cmd: OpenAccountCommand, now: Date): Promise<OpenOutcome> {
    const outcome = await super.open(cmd, now);
    // Valid at the first POST: its customer was already known, convergence is 0.
    if (outcome.kind === 'created' && outcome.account.status === 'valid') this.metrics.convergence.observe(0);
    return outcome;
  }

  override async applyCustomersCreated(events: CustomerCreated[], now: Date): Promise<number> {
    const pending = await this.pendingAccounts([...new Set(events.map((e) => e.data.customerId))]);
    const fresh = await super.applyCustomersCreated(events, now);
    if (fresh > 0 && pending.length > 0) {
      const valid: { account_id: string }[] = await this.database
        .manager()
        .query(`SELECT account_id FROM account WHERE account_id = ANY($1::uuid[]) AND status = 'valid'`, [pending.map((p) => p.account_id)])
        .catch(() => []);
      const nowValid = new Set(valid.map((v) => v.account_id));
      this.metrics.converged(pending.filter((p) => nowValid.has(p.account_id)).map((p) => p.opened_at));
    }
    return fresh;
  }

  /** Best effort: a failure here must not change how the batch itself fails or retries. */
  private async pendingAccounts(customerIds: string[]): Promise<{ account_id: string; opened_at: Date }[]> {
    try {
      return await this.database
        .manager()
        .query(`SELECT account_id, opened_at FROM account WHERE customer_id = ANY($1::uuid[]) AND status = 'pending'`, [customerIds]);
    } catch {
      return [];
    }
  }
}
