import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ListAccountsQuery {
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10' })
  @IsUUID('all', { message: 'customerId must be a UUID' })
  customerId: string;
}
