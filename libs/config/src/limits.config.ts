import { z } from 'zod';
import { ConfigError } from './env/config-error';
import { parseEnv } from './env/variable';
import { serviceFields } from './env/variables';

/**
 * What one request, one scrape and one year may cost: HTTP timeouts, the metrics
 * refresh interval and how long each messaging table keeps its rows. Every variable is
 * optional; the defaults are in env/variables.ts (docs/configuration.md).
 */
export interface Limits {
  http: {
    /** HTTP_REQUEST_TIMEOUT_MS: a whole request (headers and body) must arrive within it (Fastify requestTimeout). */
    requestTimeoutMs: number;
    /** HTTP_CONNECTION_TIMEOUT_MS: an idle socket is closed after it (Fastify connectionTimeout). */
    connectionTimeoutMs: number;
    /** HTTP_KEEP_ALIVE_TIMEOUT_MS: how long a kept-alive connection waits for its next request. */
    keepAliveTimeoutMs: number;
    /** HTTP_MAX_CONNECTIONS: sockets open at once; the server closes any beyond it at accept. */
    maxConnections: number;
  };
  /** Writes waiting for a group commit (POST /accounts): WRITE_QUEUE_MAX callers, each for at most WRITE_QUEUE_WAIT_MS (then 503). */
  writeQueue: { maxQueued: number; maxWaitMs: number };
  /** DB_STATEMENT_TIMEOUT_MS and DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: set on every pooled connection. */
  database: { statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  /** METRICS_REFRESH_SECONDS: gauges that read the database or JetStream do so at most once per interval. */
  metricsRefreshMs: number;
  retention: {
    /** OUTBOX_RETENTION_HOURS: published outbox rows kept for republishing (default 7 days). */
    outboxMs: number;
    /** INBOX_RETENTION_DAYS: consumed event ids kept (default 30 days). */
    inboxMs: number;
    /** DEAD_LETTER_RETENTION_DAYS: dead letters kept (default 90 days). */
    deadLetterMs: number;
    /** RETENTION_SWEEP_SECONDS: how often the sweeper looks for expired rows (default 60). */
    sweepMs: number;
    /** OUTBOX_AUDIT_SECONDS: how often a service compares its outbox with its stream, to re-drive what the broker lost (default 60). */
    auditMs: number;
  };
  consumer: {
    /** CONSUMER_MAX_DELIVER: deliveries of a message before it is a dead letter (default 10). */
    maxDeliver: number;
    /** CONSUMER_ACK_WAIT_SECONDS: how long a delivered message may stay unacknowledged (default 30; the backoff is 1, 2, 4, 10 of these). */
    ackWaitMs: number;
  };
}

const HOUR = 3_600_000;

const limitsEnv = z.object({
  HTTP_REQUEST_TIMEOUT_MS: serviceFields.HTTP_REQUEST_TIMEOUT_MS,
  HTTP_CONNECTION_TIMEOUT_MS: serviceFields.HTTP_CONNECTION_TIMEOUT_MS,
  HTTP_KEEP_ALIVE_TIMEOUT_MS: serviceFields.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_MAX_CONNECTIONS: serviceFields.HTTP_MAX_CONNECTIONS,
  WRITE_QUEUE_MAX: serviceFields.WRITE_QUEUE_MAX,
  WRITE_QUEUE_WAIT_MS: serviceFields.WRITE_QUEUE_WAIT_MS,
  DB_STATEMENT_TIMEOUT_MS: serviceFields.DB_STATEMENT_TIMEOUT_MS,
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: serviceFields.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  METRICS_REFRESH_SECONDS: serviceFields.METRICS_REFRESH_SECONDS,
  OUTBOX_RETENTION_HOURS: serviceFields.OUTBOX_RETENTION_HOURS,
  INBOX_RETENTION_DAYS: serviceFields.INBOX_RETENTION_DAYS,
  DEAD_LETTER_RETENTION_DAYS: serviceFields.DEAD_LETTER_RETENTION_DAYS,
  RETENTION_SWEEP_SECONDS: serviceFields.RETENTION_SWEEP_SECONDS,
  OUTBOX_AUDIT_SECONDS: serviceFields.OUTBOX_AUDIT_SECONDS,
  CONSUMER_MAX_DELIVER: serviceFields.CONSUMER_MAX_DELIVER,
  CONSUMER_ACK_WAIT_SECONDS: serviceFields.CONSUMER_ACK_WAIT_SECONDS,
});

/** The limits of a parsed service environment, in milliseconds. */
export function limitsOf(e: z.output<typeof limitsEnv>): Limits {
  return {
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: e.HTTP_CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    writeQueue: { maxQueued: e.WRITE_QUEUE_MAX, maxWaitMs: e.WRITE_QUEUE_WAIT_MS },
    database: {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    metricsRefreshMs: e.METRICS_REFRESH_SECONDS * 1000,
    retention: {
      outboxMs: e.OUTBOX_RETENTION_HOURS * HOUR,
      inboxMs: e.INBOX_RETENTION_DAYS * 24 * HOUR,
      deadLetterMs: e.DEAD_LETTER_RETENTION_DAYS * 24 * HOUR,
      sweepMs: e.RETENTION_SWEEP_SECONDS * 1000,
      auditMs: e.OUTBOX_AUDIT_SECONDS * 1000,
    },
    consumer: {
      maxDeliver: e.CONSUMER_MAX_DELIVER,
      ackWaitMs: e.CONSUMER_ACK_WAIT_SECONDS * 1000,
    },
  };
}

/** Reads the limits alone; each bad value is a problem naming its variable (and its default stands in). */
export function readLimits(env: Record<string, string | undefined>): { limits: Limits; problems: { variable: string; problem: string }[] } {
  try {
    return { limits: limitsOf(parseEnv(limitsEnv, env)), problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { limits: defaultLimits(), problems: err.problems };
  }
}

/** The defaults, for code built without an environment (tests, benchmarks). */
export const defaultLimits = (): Limits => limitsOf(parseEnv(limitsEnv, {}));
