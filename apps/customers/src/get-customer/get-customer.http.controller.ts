import { Controller, Get, GoneException, NotFoundException, Param } from '@nestjs/common';
import { ApiBadRequestResponse, ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorResponse, uuidParam } from '@calm/nest-platform';
import { Customer } from '../domain/customer';
import { CustomerStore } from '../persistence/customer.store';
import { SealResponse } from '../seal-customer/seal.response.dto';
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
  @ApiGoneResponse({ type: SealResponse, description: 'the id is sealed: this customer will never exist' })
  async get(@Param('customerId', uuidParam('customerId')) customerId: string): Promise<Customer> {
    const decision = await this.store.get(customerId.toLowerCase());
    if (!decision) throw new NotFoundException({ statusCode: 404, message: `customer ${customerId} not found` });
    // The contract's 410 carries { customerId, sealedAt } beside the usual statusCode and message.
    if (decision.state === 'sealed')
      throw new GoneException({ statusCode: 410, message: `customer ${customerId} is sealed: it will never exist`, ...decision.seal });
    return decision.customer;
  }
}
