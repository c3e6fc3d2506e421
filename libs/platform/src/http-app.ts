import type * as NodeModule from 'node:module';
import { INestApplication, Logger } from '@nestjs/common';
import { IEntryNestModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger } from 'nestjs-pino';
import { bearerTokenChecker, isAuthExempt } from './api-token.auth';
import { ConfigError, ServiceConfig } from './config';
import { HttpErrorsFilter } from './http-errors.filter';
import { PLATFORM_CONFIG } from './platform.module';
import { ServiceMetrics } from './service-metrics';
import { setupSwagger } from './swagger';
import { StrictValidationPipe } from './validation';

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Swagger UI's assets are served by @fastify/static, whose version 10 pulls in an
 * ESM-only dependency (content-disposition 3). Node 20.19+ requires it natively, but
 * Jest's CommonJS loader cannot parse it (and Jest patches `require('node:module')`
 * too), so the plugin is loaded with Node's own require, outside Jest's registry.
 */
const nodeRequire = (process as unknown as { getBuiltinModule(id: 'node:module'): typeof NodeModule }).getBuiltinModule('node:module').createRequire(__filename);

class AppFastifyAdapter extends FastifyAdapter {
  override useStaticAssets(options: Parameters<FastifyAdapter['useStaticAssets']>[0]): any {
    return this.register(nodeRequire('@fastify/static'), options);
  }
}

/**
 * The HTTP side shared by both services: Fastify, 64 KiB bodies, strict validation,
 * uniform errors; and, when the module imports PlatformModule, pino logs, the
 * API_TOKENS check, the latency histogram and Swagger.
 */
export async function createHttpApp(module: IEntryNestModule): Promise<NestFastifyApplication> {
  const adapter = new AppFastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  const config = optional<ServiceConfig>(app, PLATFORM_CONFIG);
  if (config) {
    app.useLogger(app.get(PinoLogger));
    requireApiTokens(app, config.apiTokens);
    observeLatency(app, app.get(ServiceMetrics));
    setupSwagger(app, config.service);
  }
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new HttpErrorsFilter());
  app.enableShutdownHooks();
  return app;
}

function optional<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * A Fastify hook rather than a Nest guard: it covers every route, including the
 * Swagger ones and unknown paths, before any parsing of the body.
 */
function requireApiTokens(app: NestFastifyApplication, tokens: string[] | null): void {
  if (!tokens) return;
  const authorized = bearerTokenChecker(tokens);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      if (isAuthExempt(req.url.split('?')[0]) || authorized(req.headers.authorization)) return;
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ statusCode: 401, message: 'Authorization: Bearer <token> is required (API_TOKENS)', error: 'Unauthorized' });
    });
}

function observeLatency(app: NestFastifyApplication, metrics: ServiceMetrics): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (req, reply) => {
      // The route template, never the raw URL: ids in paths would explode the label set.
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.httpDuration.observe({ route, method: req.method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });
}

/**
 * Runs `start` and turns a configuration error into one line per problem, each
 * naming its variable, and exit code 1; anything else is logged with its stack.
 */
export function runMain(name: string, start: () => Promise<INestApplication | void>): void {
  start().catch((err) => {
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(`${name}: configuration error: ${line}\n`);
    } else {
      new Logger(name).error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
    process.exit(1);
  });
}
