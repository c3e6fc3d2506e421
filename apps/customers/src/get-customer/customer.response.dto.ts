import { ApiProperty } from '@nestjs/swagger';
import { Customer } from '../domain/customer';

/** The customer as the REST API shows it (OpenAPI schema only). */
export class CustomerResponse implements Customer {
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10' })
  customerId: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-31T09:30:00.000Z' })
  createdAt: string;
}
