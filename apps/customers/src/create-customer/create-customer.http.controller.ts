import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Customer } from '../domain/customer';
import { CreateCustomerHandler } from './create-customer.handler';
import { CreateCustomerRequest } from './create-customer.request.dto';

@Controller('customers')
export class CreateCustomerHttpController {
  constructor(private readonly handler: CreateCustomerHandler) {}

  /** 201 when created, 200 when repeated with the same body, 409 when repeated with another. */
  @Post()
  async create(@Body() body: CreateCustomerRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Customer> {
    const { created, customer } = await this.handler.execute(body);
    void reply.status(created ? 201 : 200).header('Location', `/customers/${customer.customerId}`);
    return customer;
  }
}
