import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createCustomerBody, uuid } from '@calm/contracts';
import { ZodPipe } from '@calm/nest-platform';
import type { Scenario } from '../scenario';
import { ONBOARDING_DESIGN, OnboardingDesign } from './onboarding-design';

/** A scenario: the customer's fields (the customer's own schema, its id required) and the account's id. */
const scenarioBody = createCustomerBody.required({ customerId: true }).extend({ accountId: uuid });

/** POST /scenarios: open an account for a new customer, the way the running design does it. */
@Controller('scenarios')
export class ScenariosHttpController {
  constructor(@Inject(ONBOARDING_DESIGN) private readonly design: OnboardingDesign) {}

  @Post()
  async open(@Body(new ZodPipe(scenarioBody)) s: Scenario, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const answer = await this.design.open(s);
    void reply.status(answer.status);
    return answer.body;
  }
}
