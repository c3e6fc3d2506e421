import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { asyncApiDocument } from '@calm/contracts';

/**
 * The AsyncAPI document (docs/asyncapi.yaml, as JSON). Like /docs it is not exempt from
 * API_TOKENS; like /metrics it is left out of the OpenAPI document (it describes events,
 * not a REST resource).
 */
@ApiExcludeController()
@Controller('asyncapi.json')
export class AsyncApiController {
  private readonly document = asyncApiDocument();

  @Get()
  get(): Record<string, unknown> {
    return this.document;
  }
}
