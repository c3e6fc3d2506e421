/**
 * Configuration, validated once at start. A bad value stops the process with one
 * line naming the variable; an unreachable server is not a configuration error.
 */
import { accessSync, constants } from 'node:fs';
import { Limits, readLimits } from './limits.config';
import { parseNatsPrefixes } from './nats-prefixes';
export class ConfigError extends Error {
  /** Every problem found, one per variable (the first is also `variable`). */
  readonly problems: { variable: string; problem: string }[];

  constructor(
    readonly variable: string,
    problem: string,
    more: { variable: string; problem: string }[] = [],
  ) {
    const problems = [{ variable, problem }, ...more];
    super(problems.map((p) => `${p.variable}: ${p.problem}`).join('\n'));
    this.problems = problems;
  }

  /** One line per problem, each naming its variable. */
  get lines(): string[] {
    return this.problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}

export interface NatsAuthConfig {
  user?: string;
  pass?: string;
  token?: string;
  /** A NATS .creds file (JWT + NKey seed), read at start. */
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** Reply subjects of this connection (NATS_INBOX_PREFIX; default _INBOX_<user>, see nats-prefixes.ts). */
  inboxPrefix?: string;
  /** JetStream API prefix (NATS_JS_API_PREFIX, default $JS.API; the replay account's is JS.CALM.API). */
  apiPrefix?: string;
}

export interface ServiceConfig {
  service: 'accounts' | 'customers';
  natsServers: string[];
  databaseUrl: string;
  httpPort: number;
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
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

export const defaults = {
  NATS_URL: 'nats://127.0.0.1:4222',
  ACCOUNTS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/accounts',
  CUSTOMERS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/customers',
  ACCOUNTS_HTTP_PORT: '3001',
  CUSTOMERS_HTTP_PORT: '3002',
} as const;

const read = (env: Env, name: keyof typeof defaults): string => {
  const v = env[name];
  return v === undefined || v.trim() === '' ? defaults[name] : v.trim();
};

/** A configuration message may quote a URL, never its credentials. */
/**
 * A URL as a configuration error may quote it. A raw "/", "?" or "#" in a password ends
 * the authority for a URL parser, so the userinfo is not recognised as such: anything up
 * to the last "@" is redacted whole (a host never holds an "@").
 */
const shown = (url: string): string => {
  const withScheme = url.includes('://') ? url : `nats://${url}`;
  const at = withScheme.lastIndexOf('@');
  if (at < 0) return withScheme;
  const start = withScheme.indexOf('://') + 3;
  return `${withScheme.slice(0, start)}[redacted]${withScheme.slice(at)}`;
};

/** The URL's user and password, percent-decoded; a bad escape (%zz) is a configuration error, not a URIError. */
function decodedCredentials(variable: string, url: URL): { user: string; pass: string } {
  try {
    return { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  } catch {
    throw new ConfigError(variable, 'the credentials in the URL are not valid percent-encoding (write a literal % as %25)');
  }
}

export function parseNatsUrls(variable: string, value: string): string[] {
  const servers = value.split(',').map((s) => s.trim());
  for (const s of servers) {
    let url: URL;
    try {
      url = new URL(s.includes('://') ? s : `nats://${s}`);
    } catch {
      throw new ConfigError(variable, `"${shown(s)}" is not a URL (expected nats://host:port[,nats://host:port...])`);
    }
    if (!['nats:', 'tls:'].includes(url.protocol) || !url.hostname) {
      throw new ConfigError(variable, `"${shown(s)}" must be nats://host:port or tls://host:port`);
    }
    decodedCredentials(variable, url);
  }
  return servers;
}

export function parseDatabaseUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, 'is not a URL (expected postgres://user@host:port/database)');
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol)) throw new ConfigError(variable, 'must start with postgres://');
  if (!url.hostname) throw new ConfigError(variable, 'has no host');
  if (url.pathname.replace(/^\//, '') === '') throw new ConfigError(variable, 'names no database');
  decodedCredentials(variable, url);
  return value;
}

export function parsePort(variable: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(variable, `"${value}" is not a TCP port (1-65535)`);
  }
  return port;
}

/** The shortest API token accepted (16 characters: 96 bits as base64, 64 as hex). */
export const MIN_API_TOKEN_LENGTH = 16;

export function parseTokens(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const tokens = value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0) throw new ConfigError('API_TOKENS', 'is set but holds no token');
  // A short token is guessed, not stolen. The message gives its position, never the token.
  const short = tokens.findIndex((t) => t.length < MIN_API_TOKEN_LENGTH);
  if (short >= 0) throw new ConfigError('API_TOKENS', `token ${short + 1} has ${tokens[short].length} characters; each needs at least ${MIN_API_TOKEN_LENGTH}`);
  return tokens;
}

/**
 * Credentials written into NATS_URL (nats://user:pass@host or nats://token@host) are
 * taken out of the server list, so they reach the client as options and never appear
 * in a log line that prints the servers. All URLs of a cluster must agree.
 */
export function splitNatsCredentials(variable: string, servers: string[]): { servers: string[]; auth: Pick<NatsAuthConfig, 'user' | 'pass' | 'token'> } {
  const found = new Set<string>();
  let auth: Pick<NatsAuthConfig, 'user' | 'pass' | 'token'> = {};
  const stripped = servers.map((s) => {
    const url = new URL(s.includes('://') ? s : `nats://${s}`);
    if (!url.username && !url.password) return s;
    const { user, pass } = decodedCredentials(variable, url);
    auth = url.password ? { user, pass } : { token: user };
    found.add(JSON.stringify(auth));
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  });
  if (found.size > 1) throw new ConfigError(variable, 'the servers carry different credentials; use the same user/password or token on every URL');
  return { servers: stripped, auth };
}

function readableFile(variable: string, env: Env): string | undefined {
  const path = env[variable]?.trim();
  if (!path) return undefined;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(variable, `cannot read file "${path}"`);
  }
  return path;
}

function parseLogLevel(value: string | undefined): LogLevel {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new ConfigError('LOG_LEVEL', `"${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  return v as LogLevel;
}

/** Collects problems, one per variable, so one start reports all of them. */
function problemCollector(): { problems: { variable: string; problem: string }[]; check: <T>(parse: () => T) => T | undefined } {
  const problems: { variable: string; problem: string }[] = [];
  const check = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  return { problems, check };
}

const failWith = (problems: { variable: string; problem: string }[]): never => {
  throw new ConfigError(problems[0].variable, problems[0].problem, problems.slice(1));
};

/**
 * NATS_URL (credentials moved out of it), NATS_CREDS_FILE and the TLS files: everything
 * a process needs to reach the broker, read the same way by the services and the replay
 * tool (natsConnectOptions turns it into client options).
 */
export function loadNatsConfig(env: Env): { natsServers: string[]; natsAuth: NatsAuthConfig } {
  const { problems, check } = problemCollector();
  const nats = check(() => splitNatsCredentials('NATS_URL', parseNatsUrls('NATS_URL', read(env, 'NATS_URL'))));
  const credsFile = check(() => readableFile('NATS_CREDS_FILE', env));
  const caFile = check(() => readableFile('NATS_CA_FILE', env));
  const certFile = check(() => readableFile('NATS_TLS_CERT_FILE', env));
  const keyFile = check(() => readableFile('NATS_TLS_KEY_FILE', env));
  if (!!env.NATS_TLS_CERT_FILE?.trim() !== !!env.NATS_TLS_KEY_FILE?.trim()) {
    const missing = env.NATS_TLS_CERT_FILE?.trim() ? 'NATS_TLS_KEY_FILE' : 'NATS_TLS_CERT_FILE';
    problems.push({ variable: missing, problem: 'a client certificate needs both NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE' });
  }
  if (credsFile && nats && Object.keys(nats.auth).length) {
    problems.push({ variable: 'NATS_CREDS_FILE', problem: 'use either a creds file or credentials in NATS_URL, not both' });
  }
  const prefixes = check(() => parseNatsPrefixes(env, nats?.auth.user));
  if (problems.length) failWith(problems);
  const tls = caFile || certFile ? { caFile, certFile, keyFile } : undefined;
  return { natsServers: nats!.servers, natsAuth: { ...nats!.auth, credsFile, tls, ...prefixes } };
}

/**
 * Reads and checks the whole configuration. Every problem is collected, so one start
 * reports all of them (one line each, naming the variable) instead of one per attempt.
 */
export function loadConfig(service: 'accounts' | 'customers', env: Env = process.env): ServiceConfig {
  const upper = service === 'accounts' ? 'ACCOUNTS' : 'CUSTOMERS';
  const dbVar = `${upper}_DATABASE_URL` as const;
  const portVar = `${upper}_HTTP_PORT` as const;
  const { problems, check } = problemCollector();
  const nats = check(() => loadNatsConfig(env));
  const databaseUrl = check(() => parseDatabaseUrl(dbVar, read(env, dbVar)));
  const httpPort = check(() => parsePort(portVar, read(env, portVar)));
  const apiTokens = check(() => parseTokens(env.API_TOKENS));
  const logLevel = check(() => parseLogLevel(env.LOG_LEVEL));
  const streamReplicas = check(() => parseReplicas(env.NATS_STREAM_REPLICAS));
  const { limits, problems: limitProblems } = readLimits(env);
  problems.push(...limitProblems);
  const shellGraceSeconds = check(() => intFromEnv(env, 'SHELL_GRACE_SECONDS', 3600));
  const shellSweepSeconds = check(() => intFromEnv(env, 'SHELL_SWEEP_SECONDS', 60));
  if (problems.length) failWith(problems);
  return {
    service,
    ...nats!,
    databaseUrl: databaseUrl!,
    httpPort: httpPort!,
    apiTokens: apiTokens ?? null,
    logLevel,
    outboxRetentionMs: limits.retention.outboxMs,
    limits,
    shellGraceSeconds,
    shellSweepSeconds,
    streamReplicas,
  };
}

/** JetStream keeps 1 to 5 copies of a stream (an odd count keeps a Raft majority: 1, 3 or 5). */
export function parseReplicas(value: string | undefined): number {
  const v = (value ?? '').trim();
  if (v === '') return 1;
  if (!/^[1-5]$/.test(v)) throw new ConfigError('NATS_STREAM_REPLICAS', `"${value}" is not a replica count (1-5; 3 on a 3-node cluster)`);
  return Number(v);
}

/** Reads an optional positive integer tuning knob. */
export function intFromEnv(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(name, `"${v}" is not a non-negative integer`);
  return n;
}
