import { Controller, Param, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponse, uuidParam } from '@calm/nest-platform';
import { Seal } from '../domain/customer';
import { SealCustomerHandler } from './seal-customer.handler';
import { SealResponse } from './seal.response.dto';

@ApiTags('customers')
@Controller('customers')
export class SealCustomerHttpController {
  constructor(private readonly handler: SealCustomerHandler) {}

  /** The owner's decision that this customer will never be created: 201 first, 200 again, 409 if it exists. */
  @Post(':customerId/seal')
  @ApiParam({ name: 'customerId', format: 'uuid' })
  @ApiCreatedResponse({ type: SealResponse, description: 'sealed now; customer.sealed is published' })
  @ApiOkResponse({ type: SealResponse, description: 'already sealed: the existing seal' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'customerId is not a UUID' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the customer exists: it can never be sealed' })
  async seal(@Param('customerId', uuidParam('customerId')) customerId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Seal> {
    const { sealedNow, seal } = await this.handler.execute(customerId);
    void reply.status(sealedNow ? 201 : 200);
    return seal;
  }
}
