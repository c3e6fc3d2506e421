import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Counter } from 'prom-client';
import { PartnerCustomerAnnounced, partnerAnnouncementsConsumer, PermanentEventError } from '@calm/contracts';
import { PassThroughRpcFilter } from '@calm/jetstream';
import { CLOCK, Clock } from '@calm/config';
import { ServiceMetrics } from '@calm/nest-platform';
import { CustomerStore } from '../persistence/customer.store';

/**
 * A third party's announcement of a customer, decided by the owner exactly as a
 * `POST /customers` is: in the customer database, under the id's row (the one point of
 * order, persistence/customer.store.ts). A new id is created and its customer.created
 * published by this service; a repeat with the same data changes nothing; a sealed id,
 * or one created with other data, is refused: dead-lettered with the reason, counted in
 * calm_partner_announcements_refused_total{reason} and logged. Only this service
 * publishes customer facts, so a partner can never override the owner's decision.
 */
@Controller()
@UseFilters(PassThroughRpcFilter)
export class AnnounceCustomerConsumer {
  static readonly wiring = partnerAnnouncementsConsumer;
  private readonly logger = new Logger('AnnounceCustomer');
  private readonly refused: Counter<'reason'>;

  constructor(
    private readonly store: CustomerStore,
    metrics: ServiceMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.refused = metrics.counter('calm_partner_announcements_refused_total', 'partner announcements the owner refused, by reason', ['reason']);
  }

  @EventPattern('partner.customer.announced')
  async onAnnouncement(@Payload() event: PartnerCustomerAnnounced): Promise<void> {
    const { customerId, name, email } = event.data;
    const { outcome, decision } = await this.store.create({ customerId, name, email }, this.clock());
    if (outcome === 'created' || outcome === 'unchanged') return;
    const reason =
      decision.state === 'sealed'
        ? `customer ${customerId} was sealed at ${decision.seal.sealedAt}: it can never be created`
        : `customer ${customerId} already exists with another name or email`;
    this.refused.inc({ reason: outcome });
    this.logger.warn(`refused partner announcement ${event.id} from ${JSON.stringify(event.source)}: ${reason}`);
    throw new PermanentEventError(`refused: ${reason}`);
  }
}
