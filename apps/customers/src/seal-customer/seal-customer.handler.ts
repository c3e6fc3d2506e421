import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@calm/config';
import { Seal } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';

@Injectable()
export class SealCustomerHandler {
  constructor(
    private readonly store: CustomerStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the seal and whether this call made it; throws 409 when the customer exists. */
  async execute(customerId: string): Promise<{ sealedNow: boolean; seal: Seal }> {
    const { outcome, decision } = await this.store.seal(customerId.toLowerCase(), this.clock());
    if (decision.state === 'created') {
      throw new ConflictException({
        statusCode: 409,
        message: `customer ${decision.customer.customerId} exists: it cannot be sealed`,
        customer: decision.customer,
      });
    }
    return { sealedNow: outcome === 'sealed', seal: decision.seal };
  }
}
