import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { consumers, CustomerCreated } from '@calm/contracts';
import { PassThroughRpcFilter } from '@calm/jetstream';
import { CLOCK, Clock } from '@calm/config';
import { AccountsMetrics } from '../metrics/accounts.metrics';
import { AccountStore } from '../persistence/account.store';

/**
 * The "customer created" path of the join: pending accounts of this customer become
 * `valid` (valid <- opened AND created). The transport owns ack, retry and dead letters.
 */
@Controller()
@UseFilters(PassThroughRpcFilter)
export class ValidateAccountsWhenCustomerCreatedConsumer {
  /** The durable consumer that feeds this handler. */
  static readonly wiring = consumers.validateAccountsWhenCustomerCreated;

  constructor(
    private readonly store: AccountStore,
    private readonly metrics: AccountsMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern('customer.created', { batch: true })
  async onCustomersCreated(@Payload() events: CustomerCreated[]): Promise<void> {
    const outcome = await this.store.applyCustomersCreated(events, this.clock());
    this.metrics.customerEventsApplied('customer.created', outcome);
  }
}
