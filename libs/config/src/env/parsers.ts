/**
 * How each kind of value is read from its text. Each throws a ConfigError naming the
 * variable it was given; a message may quote a value, never a credential.
 */
import { accessSync, constants } from 'node:fs';
import { redactUrlCredentials } from '../redact';
import { ConfigError } from './config-error';

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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A URL as a configuration error may quote it, never its credentials. A raw "/", "?" or
 * "#" in a password ends the authority for a URL parser, so the userinfo is not
 * recognised as such: anything up to the last "@" is redacted whole (a host never holds an "@").
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

export function parseHttpUrl(variable: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw new ConfigError(variable, `"${redactUrlCredentials(value)}" is not an http(s):// URL`);
  return value.replace(/\/$/, '');
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

export function parseReadableFile(variable: string, path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(variable, `cannot read file "${path}"`);
  }
  return path;
}

export function parseLogLevel(variable: string, value: string): LogLevel {
  const v = value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new ConfigError(variable, `"${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  return v as LogLevel;
}

/** JetStream keeps 1 to 5 copies of a stream (an odd count keeps a Raft majority: 1, 3 or 5). */
export function parseReplicas(variable: string, value: string): number {
  if (!/^[1-5]$/.test(value)) throw new ConfigError(variable, `"${value}" is not a replica count (1-5; 3 on a 3-node cluster)`);
  return Number(value);
}

/** A non-negative integer (0 may mean "off", as for SHELL_SWEEP_SECONDS). */
export function parseCount(variable: string, value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) throw new ConfigError(variable, `"${value}" is not a non-negative integer`);
  return n;
}

/** A whole number from 1 to max (a limit: 0 would mean "nothing is ever allowed"). */
export const wholeNumber =
  (max = 1e9, min = 1) =>
  (variable: string, value: string): number => {
    if (/^[0-9]+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
    throw new ConfigError(variable, `"${value}" is not a whole number from ${min} to ${max}`);
  };

export function parseBoolean(variable: string, value: string): boolean {
  const v = value.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(variable, `"${value}" is not true or false`);
}

/** A NATS subject prefix: dot-separated tokens without wildcards or whitespace. */
export function parseSubjectPrefix(variable: string, value: string): string {
  if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(value))
    throw new ConfigError(variable, `"${value}" is not a subject prefix (tokens of letters, digits, _ - $)`);
  return value;
}
