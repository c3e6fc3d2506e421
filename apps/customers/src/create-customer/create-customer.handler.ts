import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { newId } from '@calm/contracts';
import { CLOCK, Clock } from '@calm/config';
import { Customer } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';
import { CreateCustomerRequest } from './create-customer.request.dto';

@Injectable()
export class CreateCustomerHandler {
  constructor(
    private readonly store: CustomerStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(req: CreateCustomerRequest): Promise<{ created: boolean; customer: Customer }> {
    const wanted = { customerId: (req.customerId ?? newId()).toLowerCase(), name: req.name, email: req.email };
    const { outcome, decision } = await this.store.create(wanted, this.clock());
    if (decision.state === 'sealed') {
      throw new ConflictException({
        statusCode: 409,
        message: `customer ${wanted.customerId} was sealed at ${decision.seal.sealedAt}: it can never be created`,
        ...decision.seal,
      });
    }
    if (outcome === 'conflict') {
      throw new ConflictException({
        statusCode: 409,
        message: `customer ${wanted.customerId} already exists with another name or email`,
        customer: decision.customer,
      });
    }
    return { created: outcome === 'created', customer: decision.customer };
  }
}
