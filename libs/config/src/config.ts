/**
 * Configuration, validated once at start by the zod schemas of env/: a bad value stops the
 * process with one line naming the variable; an unreachable server is not a configuration
 * error. The variables themselves, with their defaults, are in env/variables.ts.
 */
import { z } from 'zod';
import { Limits, limitsOf } from './limits.config';
import { NatsAuthConfig, LogLevel } from './env/parsers';
import { accountsEnv, customersEnv } from './env/schemas';
import { natsFields, serviceFields, ACCOUNTS_DATABASE_URL, CUSTOMERS_DATABASE_URL, ACCOUNTS_HTTP_PORT, CUSTOMERS_HTTP_PORT } from './env/variables';
import { parseEnv, variableDocs } from './env/variable';
import { natsPrefixes } from './nats-prefixes';

export * from './env/config-error';
export * from './env/parsers';
export { parseEnv } from './env/variable';
export * from './env/schemas';

export interface ServiceConfig {
  /** onboarding: the coordinator of the coordination bench (bench/src/coordination), on the same HTTP stack. */
  service: 'accounts' | 'customers' | 'onboarding';
  natsServers: string[];
  databaseUrl: string;
  httpPort: number;
  /** HTTP_HOST: the address the HTTP server binds (default 0.0.0.0). */
  httpHost?: string;
  /** null when API_TOKENS is unset: the API is open. */
  apiTokens: string[] | null;
  /** Credentials and TLS for NATS (from NATS_URL user:pass@ / token@, NATS_CREDS_FILE, NATS_*_FILE). */
  natsAuth?: NatsAuthConfig;
  /** pino level (LOG_LEVEL, default info). */
  logLevel?: LogLevel;
  /** How long published outbox rows are kept for republishing (OUTBOX_RETENTION_HOURS, default 168). */
  outboxRetentionMs?: number;
  /** HTTP timeouts, metrics refresh, retention (limits.config.ts); defaults when absent. */
  limits?: Limits;
  /** Stale shells: how long an account may stay pending before the owner is asked (SHELL_GRACE_SECONDS, default 3600). */
  shellGraceSeconds?: number;
  /** How often the account service looks for stale shells (SHELL_SWEEP_SECONDS, default 60; 0 turns the sweep off). */
  shellSweepSeconds?: number;
  /** Replicas of the streams this service creates (NATS_STREAM_REPLICAS, default 1; 3 on a cluster). */
  streamReplicas?: number;
  /** MIGRATIONS_RUN: apply pending migrations at start (default true); false leaves the schema to `npm run db:migrate`. */
  migrationsRun?: boolean;
  /** CALM_COMMIT: the source commit the build_info metric reports. */
  commit?: string;
  /** Serve the two-phase commit participant API /twopc/* (TWOPC_PARTICIPANT, default false: only the coordination bench asks for it). */
  twopcParticipant?: boolean;
}

const defaultOf = (schema: z.ZodType): string => variableDocs.get(schema)!.default!;

/** The contract's defaults, for the processes that pass them on (npm start, migrate). */
export const defaults = {
  NATS_URL: defaultOf(natsFields.NATS_URL),
  ACCOUNTS_DATABASE_URL: defaultOf(ACCOUNTS_DATABASE_URL),
  CUSTOMERS_DATABASE_URL: defaultOf(CUSTOMERS_DATABASE_URL),
  ACCOUNTS_HTTP_PORT: defaultOf(ACCOUNTS_HTTP_PORT),
  CUSTOMERS_HTTP_PORT: defaultOf(CUSTOMERS_HTTP_PORT),
} as const;

type Env = Record<string, string | undefined>;

/** What the NATS variables parse to, as the client wants it (natsConnectOptions). */
export function natsConfigOf(env: z.output<z.ZodObject<typeof natsFields>>): { natsServers: string[]; natsAuth: NatsAuthConfig } {
  const tls =
    env.NATS_CA_FILE || env.NATS_TLS_CERT_FILE ? { caFile: env.NATS_CA_FILE, certFile: env.NATS_TLS_CERT_FILE, keyFile: env.NATS_TLS_KEY_FILE } : undefined;
  const prefixes = natsPrefixes(env.NATS_INBOX_PREFIX, env.NATS_JS_API_PREFIX, env.NATS_URL.auth.user);
  return { natsServers: env.NATS_URL.servers, natsAuth: { ...env.NATS_URL.auth, credsFile: env.NATS_CREDS_FILE, tls, ...prefixes } };
}

/**
 * Reads and checks a service's whole configuration. Every problem is collected, so one
 * start reports all of them (one line each, naming the variable) instead of one per attempt.
 */
export function loadConfig(service: 'accounts' | 'customers', env: Env = process.env): ServiceConfig {
  if (service === 'accounts') {
    const e = parseEnv(accountsEnv, env);
    return {
      ...common(service, e, e.ACCOUNTS_DATABASE_URL, e.ACCOUNTS_HTTP_PORT),
      shellGraceSeconds: e.SHELL_GRACE_SECONDS,
      shellSweepSeconds: e.SHELL_SWEEP_SECONDS,
    };
  }
  const e = parseEnv(customersEnv, env);
  return common(service, e, e.CUSTOMERS_DATABASE_URL, e.CUSTOMERS_HTTP_PORT);
}

function common(
  service: ServiceConfig['service'],
  e: z.output<z.ZodObject<typeof natsFields & typeof serviceFields>>,
  databaseUrl: string,
  httpPort: number,
): ServiceConfig {
  const limits = limitsOf(e);
  return {
    service,
    ...natsConfigOf(e),
    databaseUrl,
    httpPort,
    httpHost: e.HTTP_HOST,
    apiTokens: e.API_TOKENS ?? null,
    logLevel: e.LOG_LEVEL,
    outboxRetentionMs: limits.retention.outboxMs,
    limits,
    streamReplicas: e.NATS_STREAM_REPLICAS,
    migrationsRun: e.MIGRATIONS_RUN,
    commit: e.CALM_COMMIT,
    twopcParticipant: e.TWOPC_PARTICIPANT,
  };
}
