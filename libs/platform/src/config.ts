/**
 * Configuration, validated once at start. A bad value stops the process with one
 * line naming the variable; an unreachable server is not a configuration error.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export interface ServiceConfig {
  service: 'accounts' | 'customers';
  natsServers: string[];
  databaseUrl: string;
  httpPort: number;
  /** null when API_TOKENS is unset: the API is open. */
  apiTokens: string[] | null;
}

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

export function parseNatsUrls(variable: string, value: string): string[] {
  const servers = value.split(',').map((s) => s.trim());
  for (const s of servers) {
    let url: URL;
    try {
      url = new URL(s.includes('://') ? s : `nats://${s}`);
    } catch {
      throw new ConfigError(variable, `"${s}" is not a URL (expected nats://host:port[,nats://host:port...])`);
    }
    if (!['nats:', 'tls:'].includes(url.protocol) || !url.hostname) {
      throw new ConfigError(variable, `"${s}" must be nats://host:port or tls://host:port`);
    }
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
  return value;
}

export function parsePort(variable: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(variable, `"${value}" is not a TCP port (1-65535)`);
  }
  return port;
}

export function parseTokens(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  const tokens = value.split(',').map((t) => t.trim()).filter(Boolean);
  if (tokens.length === 0) throw new ConfigError('API_TOKENS', 'is set but holds no token');
  return tokens;
}

export function loadConfig(service: 'accounts' | 'customers', env: Env = process.env): ServiceConfig {
  const upper = service === 'accounts' ? 'ACCOUNTS' : 'CUSTOMERS';
  const dbVar = `${upper}_DATABASE_URL` as const;
  const portVar = `${upper}_HTTP_PORT` as const;
  return {
    service,
    natsServers: parseNatsUrls('NATS_URL', read(env, 'NATS_URL')),
    databaseUrl: parseDatabaseUrl(dbVar, read(env, dbVar)),
    httpPort: parsePort(portVar, read(env, portVar)),
    apiTokens: parseTokens(env.API_TOKENS),
  };
}

/** Reads an optional positive integer tuning knob. */
export function intFromEnv(env: Env, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(name, `"${v}" is not a non-negative integer`);
  return n;
}
