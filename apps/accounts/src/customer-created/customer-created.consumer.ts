import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CustomerCreated } from '@calm/contracts';
import { OutboxRelay, PassThroughRpcFilter } from '@calm/messaging';
import { CLOCK, Clock } from '@calm/platform';
import { AccountStore } from '../persistence/account.store';

/** The "customer created" path of the join. The transport owns ack, retry and dead letters. */
@Controller()
@UseFilters(PassThroughRpcFilter)
export class CustomerCreatedConsumer {
  constructor(
    private readonly store: AccountStore,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern('customer.created', { batch: true })
  async onCustomersCreated(@Payload() events: CustomerCreated[]): Promise<void> {
    if ((await this.store.applyCustomersCreated(events, this.clock())) > 0) this.relay.wake();
  }
}
