import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

/** Query of GET /accounts; the rules across fields are in list-accounts.filter.ts. */
export class ListAccountsQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10',
    description: 'accounts of this customer, any letter case (customerId, status or both are required)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'customerId must be a UUID' })
  // Canonical form on entry (docs/input-contract.md): the query compares lower-case ids.
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  customerId?: string;

  @ApiPropertyOptional({ enum: ['pending', 'valid', 'rejected'], description: 'accounts in this status' })
  @IsOptional()
  @IsIn(['pending', 'valid', 'rejected'], { message: 'status must be one of pending, valid, rejected' })
  status?: 'pending' | 'valid' | 'rejected';

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 9_999_999_999,
    description: 'with status=pending: only shells opened more than this many seconds ago',
  })
  @IsOptional()
  @Matches(/^(0|[1-9][0-9]{0,9})$/, { message: 'olderThanSeconds must be a non-negative integer (seconds)' })
  olderThanSeconds?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50, description: 'page size' })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)$/, { message: 'limit must be an integer from 1 to 100' })
  limit?: string;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  cursor?: string;
}
