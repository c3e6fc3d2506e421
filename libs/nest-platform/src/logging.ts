import type { Params } from 'nestjs-pino';
import type { LogLevel } from '@calm/config';
import { REDACTED_PATHS, redactUrlCredentials } from '@calm/config';

/** Probes and scrapes arrive every few seconds: no access line for them. */
const isProbe = (req: { url?: string; originalUrl?: string }): boolean => /^\/(health|metrics)(\/|$|\?)/.test(req.originalUrl ?? req.url ?? '');

/** Whether the access lines (level debug) are written at this level. */
export const accessLogged = (level: LogLevel): boolean => level === 'debug' || level === 'trace';

/** Tests stay quiet unless asked: under Jest the default level is warn. */
export function defaultLogLevel(env: Record<string, string | undefined> = process.env): LogLevel {
  const v = env.LOG_LEVEL?.trim().toLowerCase();
  if (v) return v as LogLevel;
  return env.JEST_WORKER_ID ? 'warn' : 'info';
}

/**
 * nestjs-pino settings: JSON lines on stdout (pino-pretty when stdout is a terminal),
 * one access line per request at debug (health and metrics probes left out), secrets redacted
 * by path (headers) and by pattern (credentials inside URLs in any message).
 */
export function loggerParams(service: string, level: LogLevel, pretty = !!process.stdout.isTTY): Params {
  return {
    // The access lines are at debug; above it the per-request middleware (a child logger
    // with its serialized, redacted `req` binding, an AsyncLocalStorage context) would be
    // built for every request and never written (promise hooks, redactPaths and asChindings
    // in the bench's heap profile, docs/performance.md). Without it every line logs through the root logger, unbound to
    // a request: a 500 is logged with its stack by HttpErrorsFilter, a 503 by the part
    // that is down. LOG_LEVEL=debug (or trace) mounts it, with one access line per request.
    forRoutes: accessLogged(level) ? undefined : [],
    pinoHttp: {
      level,
      name: service,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactUrlCredentials(a) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
      autoLogging: { ignore: isProbe },
      // 503 is an outage already logged by the part that is down; 500 is a bug. Answers
      // below 500 are access logs at debug (LOG_LEVEL=debug shows them): at info, one line
      // per request cost about 15% of the service's CPU under load (bench profile).
      customLogLevel: (req, res, err) => (isProbe(req) ? 'silent' : res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'debug'),
      // pino-http invents an Error (with a stack) for every 5xx; a 503 needs no stack.
      customErrorObject: (_req, res, _err, value) => (res.statusCode === 503 ? { ...value, err: undefined } : value),
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: redactUrlCredentials(req.url ?? '') }),
      },
    },
  };
}
