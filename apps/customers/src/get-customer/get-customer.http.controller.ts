import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorResponse, uuidParam } from '@calm/platform';
import { Customer } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';
import { CustomerResponse } from './customer.response.dto';

@ApiTags('customers')
@Controller('customers')
export class GetCustomerHttpController {
  constructor(private readonly store: CustomerStore) {}

  @Get(':customerId')
  @ApiParam({ name: 'customerId', format: 'uuid' })
  @ApiOkResponse({ type: CustomerResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'customerId is not a UUID' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'unknown customer' })
  async get(@Param('customerId', uuidParam('customerId')) customerId: string): Promise<Customer> {
    const customer = await this.store.get(customerId);
    if (!customer) throw new NotFoundException({ statusCode: 404, message: `customer ${customerId} not found` });
    return customer;
  }
}
