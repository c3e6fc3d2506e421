import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiPayloadTooLargeResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponse, ZodPipe } from '@calm/nest-platform';
import { Account } from '@calm/folds';
import { AccountResponse } from '../get-account/account.response.dto';
import { OpenAccountHandler } from './open-account.handler';
import { OpenAccountRequest, openAccountRequest, openAccountRequestSchema } from './open-account.request.dto';

@ApiTags('accounts')
@Controller('accounts')
export class OpenAccountHttpController {
  constructor(private readonly handler: OpenAccountHandler) {}

  /** 201 when created, 200 when repeated with the same body, 409 when repeated with another. */
  @Post()
  @ApiCreatedResponse({
    type: AccountResponse,
    description: 'opened; `pending` until its customer is known, `valid` if already known. Location: /accounts/{accountId}',
  })
  @ApiOkResponse({ type: AccountResponse, description: 'the same accountId and body again: the current account' })
  @ApiBody({ schema: openAccountRequestSchema })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'bad input; `message` names the field' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'the accountId exists with another customerId or currency' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'body over 64 KiB' })
  async open(@Body(new ZodPipe(openAccountRequest)) body: OpenAccountRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Account> {
    const { created, account } = await this.handler.execute(body);
    void reply.status(created ? 201 : 200).header('Location', `/accounts/${account.accountId}`);
    return account;
  }
}
