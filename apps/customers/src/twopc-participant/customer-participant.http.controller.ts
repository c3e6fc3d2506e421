import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createCustomerBody } from '@calm/contracts';
import { CLOCK, Clock } from '@calm/config';
import { PreparedBranches, PreparedBranchesRoutes, ZodPipe, gidParam } from '@calm/nest-platform';
import { CustomerBranch, CustomerParticipant } from './customer.participant';

/** A prepared customer needs its id: the coordinator assigns it, so a retried prepare names the same customer. */
const customerBranchBody = createCustomerBody.required({ customerId: true });

/**
 * The customer service's participant API of the coordination bench's `twopc` design,
 * served only with TWOPC_PARTICIPANT=true (not part of the product's contract, so not in
 * its OpenAPI document). 200 prepared/finished, 409 refused, 503 database unavailable.
 */
@ApiExcludeController()
@Controller('twopc/branches')
export class CustomerParticipantHttpController extends PreparedBranchesRoutes {
  constructor(
    private readonly participant: CustomerParticipant,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  protected get branches(): PreparedBranches {
    return this.participant.branches;
  }

  @Post(':gid/prepare')
  @HttpCode(200)
  async prepare(
    @Param('gid', gidParam) gid: string,
    @Body(new ZodPipe(customerBranchBody)) body: CustomerBranch,
  ): Promise<{ vote: 'prepared'; createdAt: string }> {
    const { createdAt } = await this.participant.prepare(gid, body, this.clock());
    return { vote: 'prepared', createdAt };
  }
}
