import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isTransientDatabaseError } from '@calm/pg';
import { ServiceOverloadedError } from './overloaded';

/**
 * Every HTTP error leaves as `{ statusCode, message, ... }`. Bad input is a 4xx
 * (never a 5xx); an unreachable database is a 503 that says so; only a real bug is a 500.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(exception);
    if (exception instanceof ServiceOverloadedError) void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(status).send(body);
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof HttpException) {
      const res = exception.getResponse();
      const body = typeof res === 'string' ? { message: res } : (res as Record<string, unknown>);
      return { status: exception.getStatus(), body: { statusCode: exception.getStatus(), ...body } };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      const e = exception as { message: string; code?: string };
      return { status: fastifyStatus, body: { statusCode: fastifyStatus, message: e.message, code: e.code } };
    }
    if (isTransientDatabaseError(exception)) {
      return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { statusCode: 503, message: 'database unavailable, retry later' } };
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { statusCode: 500, message: 'internal error' } };
  }
}
