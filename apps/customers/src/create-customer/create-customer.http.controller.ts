import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponse, ZodPipe } from '@calm/nest-platform';
import { Customer } from '../domain/customer';
import { CustomerResponse } from '../get-customer/customer.response.dto';
import { CreateCustomerHandler } from './create-customer.handler';
import { CreateCustomerRequest, createCustomerRequest, createCustomerRequestSchema } from './create-customer.request.dto';

@ApiTags('customers')
@Controller('customers')
export class CreateCustomerHttpController {
  constructor(private readonly handler: CreateCustomerHandler) {}

  /** 201 when created, 200 when repeated with the same body, 409 when repeated with another. */
  @Post()
  @ApiCreatedResponse({ type: CustomerResponse, description: 'created; customer.created is published. Location: /customers/{customerId}' })
  @ApiOkResponse({ type: CustomerResponse, description: 'the same customerId and body again: the current customer' })
  @ApiBody({ schema: createCustomerRequestSchema })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'bad input; `message` names the field' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the customerId exists with another name or email' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'body over 64 KiB' })
  async create(@Body(new ZodPipe(createCustomerRequest)) body: CreateCustomerRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Customer> {
    const { created, customer } = await this.handler.execute(body);
    void reply.status(created ? 201 : 200).header('Location', `/customers/${customer.customerId}`);
    return customer;
  }
}
