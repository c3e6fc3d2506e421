import { ApiProperty } from '@nestjs/swagger';
import { Seal } from '../domain/customer';

/** A sealed customer id as the REST API shows it (OpenAPI schema only). */
export class SealResponse implements Seal {
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10' })
  customerId: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:30:00.000Z', description: 'when the owner decided this customer will never be created' })
  sealedAt: string;
}
