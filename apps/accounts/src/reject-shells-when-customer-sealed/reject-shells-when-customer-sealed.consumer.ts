import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumers, CustomerSealed } from '@calm/contracts';
import { PassThroughRpcFilter } from '@calm/jetstream';
import { CLOCK, Clock } from '@calm/config';
import { AccountsMetrics } from '../metrics/accounts.metrics';
import { AccountStore } from '../persistence/account.store';

/**
 * The "customer sealed" path of the join: the owner decided this customer id will never
 * exist, so its shells become `rejected` (rejected <- opened AND sealed). The transport
 * owns ack, retry and dead letters.
 */
@Controller()
@UseFilters(PassThroughRpcFilter)
export class RejectShellsWhenCustomerSealedConsumer {
  /** The durable consumer that feeds this handler. */
  static readonly wiring = consumers.rejectShellsWhenCustomerSealed;

  constructor(
    private readonly store: AccountStore,
    private readonly metrics: AccountsMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern('customer.sealed', { batch: true })
  async onCustomersSealed(@Payload() events: CustomerSealed[]): Promise<void> {
    const outcome = await this.store.applyCustomersSealed(events, this.clock());
    this.metrics.customerEventsApplied('customer.sealed', outcome);
  }
}
