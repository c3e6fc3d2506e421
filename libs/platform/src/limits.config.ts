type Env = Record<string, string | undefined>;

/**
 * What one request, one scrape and one year may cost: HTTP timeouts, the metrics
 * refresh interval and how long each messaging table keeps its rows. Every variable is
 * optional; the defaults are documented in docs/security.md.
 */
export interface Limits {
  http: {
    /** HTTP_REQUEST_TIMEOUT_MS: a whole request (headers and body) must arrive within it (Fastify requestTimeout). */
    requestTimeoutMs: number;
    /** HTTP_CONNECTION_TIMEOUT_MS: an idle socket is closed after it (Fastify connectionTimeout). */
    connectionTimeoutMs: number;
    /** HTTP_KEEP_ALIVE_TIMEOUT_MS: how long a kept-alive connection waits for its next request. */
    keepAliveTimeoutMs: number;
  };
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

/**
 * Reads the limits; each bad value (0, junk, out of range) is a problem naming its
 * variable, for loadConfig to report with the others (this module imports nothing of
 * config.ts, which imports it).
 */
export function readLimits(env: Env): { limits: Limits; problems: { variable: string; problem: string }[] } {
  const problems: { variable: string; problem: string }[] = [];
  const read = (name: string, fallback: number, max = 1e9): number => {
    const v = env[name]?.trim();
    if (v === undefined || v === '') return fallback;
    if (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= max) return Number(v);
    problems.push({ variable: name, problem: `"${v}" is not a whole number from 1 to ${max}` });
    return fallback;
  };
  const limits: Limits = {
    http: {
      requestTimeoutMs: read('HTTP_REQUEST_TIMEOUT_MS', 30_000),
      connectionTimeoutMs: read('HTTP_CONNECTION_TIMEOUT_MS', 60_000),
      keepAliveTimeoutMs: read('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000),
    },
    metricsRefreshMs: read('METRICS_REFRESH_SECONDS', 15, 86_400) * 1000,
    retention: {
      outboxMs: read('OUTBOX_RETENTION_HOURS', 168, 87_600) * HOUR,
      inboxMs: read('INBOX_RETENTION_DAYS', 30, 3650) * 24 * HOUR,
      deadLetterMs: read('DEAD_LETTER_RETENTION_DAYS', 90, 3650) * 24 * HOUR,
      sweepMs: read('RETENTION_SWEEP_SECONDS', 60, 86_400) * 1000,
      auditMs: read('OUTBOX_AUDIT_SECONDS', 60, 86_400) * 1000,
    },
    consumer: {
      // JetStream needs max_deliver above the backoff's steps; 2 is the least that allows a retry.
      maxDeliver: Math.max(2, read('CONSUMER_MAX_DELIVER', 10, 1000)),
      ackWaitMs: read('CONSUMER_ACK_WAIT_SECONDS', 30, 3600) * 1000,
    },
  };
  return { limits, problems };
}

/** The defaults, for code built without an environment (tests, benchmarks). */
export const defaultLimits = (): Limits => readLimits({}).limits;
