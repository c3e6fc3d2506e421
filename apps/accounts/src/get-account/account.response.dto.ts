import { ApiProperty } from '@nestjs/swagger';
import { Account, AccountStatus } from '@calm/folds';

/** The account as the REST API shows it (OpenAPI schema only; handlers return the domain type). */
export class AccountResponse implements Account {
  @ApiProperty({ format: 'uuid', example: '8d3c1f2e-5b7a-4c1d-9e2f-0a1b2c3d4e5f' })
  accountId: string;

  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10' })
  customerId: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code' })
  currency: string;

  @ApiProperty({
    enum: ['pending', 'valid', 'rejected'],
    example: 'pending',
    description: 'pending until the customer is known; valid once it is created; rejected when the customer service sealed its id (it will never exist)',
  })
  status: AccountStatus;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:30:00.000Z' })
  openedAt: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'later of openedAt and the customer creation time; null while pending',
  })
  validatedAt: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'later of openedAt and the seal of the customer id; null unless rejected',
  })
  rejectedAt: string | null;
}

export class AccountListResponse {
  @ApiProperty({ type: [AccountResponse], description: 'at most limit accounts' })
  items: AccountResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'opaque; pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}
