import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, IsOptional, IsUUID } from 'class-validator';

export class OpenAccountRequest {
  /** Caller-assigned key; makes the call idempotent. */
  @ApiPropertyOptional({ format: 'uuid', example: '8d3c1f2e-5b7a-4c1d-9e2f-0a1b2c3d4e5f', description: 'caller-assigned key; omit to let the service assign one' })
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be a UUID' })
  accountId?: string;

  /** The pre-agreed customer id; the customer need not exist yet. */
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10', description: 'the customer need not exist yet' })
  @IsUUID('all', { message: 'customerId must be a UUID' })
  customerId: string;

  @ApiPropertyOptional({ example: 'EUR', default: 'EUR', description: 'ISO 4217 code' })
  @IsOptional()
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 currency code' })
  currency?: string;
}
