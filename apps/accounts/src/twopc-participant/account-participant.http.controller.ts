import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { instant, uuid } from '@calm/contracts';
import { CLOCK, Clock } from '@calm/config';
import { PreparedBranches, PreparedBranchesRoutes, ZodPipe, gidParam } from '@calm/nest-platform';
import { AccountBranch, AccountParticipant } from './account.participant';

/** The account's id (assigned by the coordinator, so a retried prepare names the same account), its customer and that customer's creation. */
const accountBranchBody = z.strictObject({ accountId: uuid, customerId: uuid, customerCreatedAt: instant });

/**
 * The account service's participant API of the coordination bench's `twopc` design,
 * served only with TWOPC_PARTICIPANT=true (not part of the product's contract, so not in
 * its OpenAPI document). 200 prepared/finished, 409 refused, 503 database unavailable.
 */
@ApiExcludeController()
@Controller('twopc/branches')
export class AccountParticipantHttpController extends PreparedBranchesRoutes {
  constructor(
    private readonly participant: AccountParticipant,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  protected get branches(): PreparedBranches {
    return this.participant.branches;
  }

  @Post(':gid/prepare')
  @HttpCode(200)
  async prepare(@Param('gid', gidParam) gid: string, @Body(new ZodPipe(accountBranchBody)) body: AccountBranch): Promise<{ vote: 'prepared' }> {
    await this.participant.prepare(gid, body, this.clock());
    return { vote: 'prepared' };
  }
}
