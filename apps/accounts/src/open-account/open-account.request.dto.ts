import { IsISO4217CurrencyCode, IsOptional, IsUUID } from 'class-validator';

export class OpenAccountRequest {
  /** Caller-assigned key; makes the call idempotent. */
  @IsOptional()
  @IsUUID('all', { message: 'accountId must be a UUID' })
  accountId?: string;

  /** The pre-agreed customer id; the customer need not exist yet. */
  @IsUUID('all', { message: 'customerId must be a UUID' })
  customerId: string;

  @IsOptional()
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 currency code' })
  currency?: string;
}
