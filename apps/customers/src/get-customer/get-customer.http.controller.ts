import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { uuidParam } from '@calm/platform';
import { Customer } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';

@Controller('customers')
export class GetCustomerHttpController {
  constructor(private readonly store: CustomerStore) {}

  @Get(':customerId')
  async get(@Param('customerId', uuidParam('customerId')) customerId: string): Promise<Customer> {
    const customer = await this.store.get(customerId);
    if (!customer) throw new NotFoundException({ statusCode: 404, message: `customer ${customerId} not found` });
    return customer;
  }
}
