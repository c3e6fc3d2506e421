import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { newId } from '@calm/contracts';
import { OutboxRelay } from '@calm/messaging';
import { CLOCK, Clock } from '@calm/platform';
import { Customer } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';
import { CreateCustomerRequest } from './create-customer.request.dto';

@Injectable()
export class CreateCustomerHandler {
  constructor(
    private readonly store: CustomerStore,
    private readonly relay: OutboxRelay,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(req: CreateCustomerRequest): Promise<{ created: boolean; customer: Customer }> {
    const wanted = { customerId: req.customerId ?? newId(), name: req.name, email: req.email };
    const { outcome, customer } = await this.store.create(wanted, this.clock());
    if (outcome === 'conflict') {
      throw new ConflictException({ statusCode: 409, message: `customer ${wanted.customerId} already exists with another name or email`, customer });
    }
    if (outcome === 'created') this.relay.wake();
    return { created: outcome === 'created', customer };
  }
}
