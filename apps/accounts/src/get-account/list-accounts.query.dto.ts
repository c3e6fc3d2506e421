import { IsUUID } from 'class-validator';

export class ListAccountsQuery {
  @IsUUID('all', { message: 'customerId must be a UUID' })
  customerId: string;
}
