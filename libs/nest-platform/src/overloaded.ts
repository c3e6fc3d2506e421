import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * The service is full (a bounded queue, a waiter past its deadline): nothing of the request
 * was applied, so the client may simply try again. Answered 503 with `Retry-After`.
 */
export class ServiceOverloadedError extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, message }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
