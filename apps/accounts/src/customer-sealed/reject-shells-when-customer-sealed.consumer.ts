import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CustomerSealed } from '@calm/contracts';
import { OutboxRelay, PassThroughRpcFilter } from '@calm/messaging';
import { CLOCK, Clock } from '@calm/platform';
import { AccountStore } from '../persistence/account.store';

/**
 * The "customer sealed" path of the join: the owner decided this customer id will never
 * exist, so its shells become `rejected` (rejected <- opened AND sealed). The transport
 * owns ack, retry and dead letters.
 */
@Controller()
@UseFilters(PassThroughRpcFilter)
export class RejectShellsWhenCustomerSealedConsumer {
  constructor(
    private readonly store: AccountStore,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern('customer.sealed', { batch: true })
  async onCustomersSealed(@Payload() events: CustomerSealed[]): Promise<void> {
    if ((await this.store.applyCustomersSealed(events, this.clock())) > 0) this.relay.wake();
  }
}
