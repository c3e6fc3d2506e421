import { IsEmail, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class CreateCustomerRequest {
  @IsOptional()
  @IsUUID('all', { message: 'customerId must be a UUID' })
  customerId?: string;

  @IsString({ message: 'name must be a string' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters long' })
  name: string;

  @IsString({ message: 'email must be a string' })
  @MaxLength(320, { message: 'email must be at most 320 characters long' })
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;
}
