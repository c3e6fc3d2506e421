import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { newId } from '@calm/contracts';
import { CLOCK, Clock } from '@calm/config';
import { Account } from '@calm/folds';
import { AccountsMetrics } from '../metrics/accounts.metrics';
import { AccountStore } from '../persistence/account.store';
import { OpenAccountRequest } from './open-account.request.dto';

export const DEFAULT_CURRENCY = 'EUR';

@Injectable()
export class OpenAccountHandler {
  constructor(
    private readonly store: AccountStore,
    private readonly metrics: AccountsMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the account and whether this call created it; throws 409 on a conflicting repeat. */
  async execute(req: OpenAccountRequest): Promise<{ created: boolean; account: Account }> {
    const cmd = { accountId: req.accountId ?? newId(), customerId: req.customerId, currency: req.currency ?? DEFAULT_CURRENCY };
    const outcome = await this.store.open(cmd, this.clock());
    this.metrics.accountOpened(outcome);
    if (outcome.kind === 'conflict') {
      throw new ConflictException({
        statusCode: 409,
        message: `account ${cmd.accountId} already exists with customerId ${outcome.account.customerId} and currency ${outcome.account.currency}`,
        account: outcome.account,
      });
    }
    return { created: outcome.kind === 'created', account: outcome.account };
  }
}
