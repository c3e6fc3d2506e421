import type * as NodeModule from 'node:module';
import { INestApplication, Logger } from '@nestjs/common';
import { IEntryNestModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger } from 'nestjs-pino';
import { bearerTokenChecker, isAuthExempt } from './api-token.auth';
import { ConfigError, ServiceConfig, Limits, defaultLimits } from '@calm/config';
import { HttpErrorsFilter } from './http-errors.filter';
import { PLATFORM_CONFIG } from './platform.module';
import { ServiceMetrics } from './service-metrics';
import { setupSwagger } from './swagger';

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Swagger UI's assets are served by @fastify/static, whose version 10 pulls in an
 * ESM-only dependency (content-disposition 3). Node 20.19+ requires it natively, but
 * Jest's CommonJS loader cannot parse it (and Jest patches `require('node:module')`
 * too), so the plugin is loaded with Node's own require, outside Jest's registry.
 */
const nodeRequire = (process as unknown as { getBuiltinModule(id: 'node:module'): typeof NodeModule })
  .getBuiltinModule('node:module')
  .createRequire(__filename);

class AppFastifyAdapter extends FastifyAdapter {
  override useStaticAssets(options: Parameters<FastifyAdapter['useStaticAssets']>[0]): any {
    return this.register(nodeRequire('@fastify/static'), options);
  }
}

/**
 * The HTTP side shared by both services: Fastify, 64 KiB bodies, uniform errors (each
 * route validates its input with its schema from @calm/contracts: ZodPipe, uuidParam);
 * and, when the module imports PlatformModule, pino logs, the
 * API_TOKENS check, the latency histogram and Swagger.
 */
export async function createHttpApp(module: IEntryNestModule, limits: Limits['http'] = defaultLimits().http): Promise<NestFastifyApplication> {
  // Bounded time per client: a slow or silent client cannot hold a connection for ever
  // (Fastify's default request and connection timeouts are 0, none).
  const adapter = new AppFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks request timeouts on this period (default 30 s): without it a 1 s
    // requestTimeout could hold a connection half a minute.
    http: { connectionsCheckingInterval: Math.min(Math.max(Math.floor(limits.requestTimeoutMs / 4), 100), 5000) },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false });
  // A bounded number of sockets: Node closes any connection beyond it as it is accepted.
  app.getHttpServer().maxConnections = limits.maxConnections;
  const config = optional<ServiceConfig>(app, PLATFORM_CONFIG);
  if (config) {
    app.useLogger(app.get(PinoLogger));
    requireApiTokens(app, config.apiTokens);
    observeLatency(app, app.get(ServiceMetrics));
    setupSwagger(app, config.service);
  }
  app.useGlobalFilters(new HttpErrorsFilter());
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

/** The contract: stop within 10 s of SIGTERM/SIGINT, exit code 0. */
const SHUTDOWN_DEADLINE_MS = 9_500;

/**
 * Runs `start` and turns a configuration error into one line per problem, each
 * naming its variable, and exit code 1; anything else is logged with its stack.
 * SIGTERM and SIGINT close the app (HTTP stops taking requests, the consumer finishes
 * or gives back its messages, the outbox is flushed, connections close) and exit 0.
 * This replaces Nest's enableShutdownHooks, which re-raises the signal after the hooks
 * and so ends the process "killed by SIGTERM" rather than with status 0. `flushTraces`
 * (start-tracing.ts) exports the last spans after the app has closed.
 */
export function runMain(name: string, start: () => Promise<INestApplication | void>, flushTraces?: () => Promise<void>): void {
  const logger = new Logger(name);
  let app: INestApplication | void;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    Promise.resolve(app?.close())
      // The spans of the last requests and messages, exported before the process ends.
      .then(() => flushTraces?.().catch((err) => logger.warn(`traces not flushed: ${(err as Error).message}`)))
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  start()
    .then((started) => {
      app = started;
      if (stopping) void app?.close().then(() => process.exit(0));
    })
    .catch((err) => {
      if (err instanceof ConfigError) {
        for (const line of err.lines) process.stderr.write(`${name}: configuration error: ${line}\n`);
      } else {
        logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      }
      process.exit(1);
    });
}
