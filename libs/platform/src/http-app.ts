import { INestApplication, Logger } from '@nestjs/common';
import { IEntryNestModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from './config';
import { HttpErrorsFilter } from './http-errors.filter';
import { StrictValidationPipe } from './validation';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** The HTTP side shared by both services: Fastify, 64 KiB bodies, strict validation, uniform errors. */
export async function createHttpApp(module: IEntryNestModule): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new HttpErrorsFilter());
  app.enableShutdownHooks();
  return app;
}

/**
 * Runs `start` and turns a configuration error into one line naming the variable
 * and exit code 1; anything else is logged with its stack.
 */
export function runMain(name: string, start: () => Promise<INestApplication | void>): void {
  start().catch((err) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: configuration error: ${err.message}\n`);
    } else {
      new Logger(name).error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
    process.exit(1);
  });
}
