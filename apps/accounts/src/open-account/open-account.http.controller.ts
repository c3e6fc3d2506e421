import { Body, Controller, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Account } from '../domain/account';
import { OpenAccountHandler } from './open-account.handler';
import { OpenAccountRequest } from './open-account.request.dto';

@Controller('accounts')
export class OpenAccountHttpController {
  constructor(private readonly handler: OpenAccountHandler) {}

  /** 201 when created, 200 when repeated with the same body, 409 when repeated with another. */
  @Post()
  async open(@Body() body: OpenAccountRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Account> {
    const { created, account } = await this.handler.execute(body);
    void reply.status(created ? 201 : 200).header('Location', `/accounts/${account.accountId}`);
    return account;
  }
}
