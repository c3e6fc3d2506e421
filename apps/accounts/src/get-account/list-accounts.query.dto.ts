import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

export class ListAccountsQuery {
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10', description: 'any letter case' })
  @IsUUID('all', { message: 'customerId must be a UUID' })
  // Canonical form on entry (docs/input-contract.md): the query compares lower-case ids.
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  customerId: string;
}
