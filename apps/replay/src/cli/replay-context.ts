import { JetStreamClient, JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection, connect } from '@nats-io/transport-node';
import { Client } from 'pg';
// @calm/config loads no NestJS or Fastify (the lint holds it so): a CLI starts without them.
import { ConfigError, NatsAuthConfig, natsConfigOf, parseEnv, replayEnv, natsConnectOptions, redactUrlCredentials } from '@calm/config';
import { CliError, CliIo } from './cli-io';
import { OutputOptions, Reporter } from './reporter';

export type Service = 'accounts' | 'customers';

export interface ReplayConfig {
  natsServers: string[];
  /** The same credentials and TLS settings as the services (NATS_URL, NATS_CREDS_FILE, NATS_*_FILE). */
  natsAuth: NatsAuthConfig;
  databaseUrls: Record<Service, string>;
  /** SHELL_GRACE_SECONDS: the default age of `shells` (the services' grace). */
  shellGraceSeconds: number;
}

/** The same variables and checks as the services (libs/config), so one environment serves both. */
export function replayConfig(env: Record<string, string | undefined>): ReplayConfig {
  try {
    const e = parseEnv(replayEnv, env);
    return {
      ...natsConfigOf(e),
      databaseUrls: { accounts: e.ACCOUNTS_DATABASE_URL, customers: e.CUSTOMERS_DATABASE_URL },
      shellGraceSeconds: e.SHELL_GRACE_SECONDS,
    };
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`configuration error: ${err.message}`);
    throw err;
  }
}

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/**
 * What a command needs, opened lazily and closed once at the end. Unlike the services
 * the CLI does not retry: an unreachable server is a one-line error and exit code 2.
 */
export class ReplayContext {
  readonly config: ReplayConfig;
  readonly reporter: Reporter;
  private nats?: Promise<Nats>;
  /** By URL: services configured with one database (a test, a small deployment) share one session. */
  private readonly clients = new Map<string, Promise<Client>>();

  constructor(
    readonly io: CliIo,
    output: OutputOptions,
  ) {
    this.config = replayConfig(io.env);
    this.reporter = new Reporter(io, output);
  }

  natsConnection(): Promise<Nats> {
    this.nats ??= (async () => {
      let nc: NatsConnection;
      try {
        nc = await connect({
          ...natsConnectOptions(this.config.natsAuth),
          servers: this.config.natsServers,
          name: 'calm-replay',
          timeout: 5000,
          maxReconnectAttempts: 3,
        });
      } catch (err) {
        // The server list holds no credentials (the NATS_URL schema moved them out); the driver's message is redacted all the same.
        throw new CliError(`cannot reach NATS at ${this.config.natsServers.join(',')}: ${redactUrlCredentials((err as Error).message)}`);
      }
      const apiPrefix = this.config.natsAuth.apiPrefix;
      return { nc, js: jetstream(nc, { apiPrefix }), jsm: await jetstreamManager(nc, { apiPrefix }) };
    })();
    return this.nats;
  }

  database(service: Service): Promise<Client> {
    const url = this.config.databaseUrls[service];
    let client = this.clients.get(url);
    if (!client) {
      client = (async () => {
        const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000, application_name: 'calm-replay' });
        try {
          await c.connect();
        } catch (err) {
          throw new CliError(
            `cannot reach the ${service} database (${redactUrlCredentials(url)}): ${redactUrlCredentials((err as Error).message)}`,
            undefined,
            (err as { code?: string }).code,
          );
        }
        return c;
      })();
      this.clients.set(url, client);
    }
    return client;
  }

  /**
   * The service's database, or null when the server says it does not exist (a service
   * creates its database at start: it never ran there). Any other failure is an error.
   */
  async databaseIfExists(service: Service): Promise<Client | null> {
    try {
      return await this.database(service);
    } catch (err) {
      if (!(err instanceof CliError) || err.code !== '3D000') throw err;
      this.clients.delete(this.config.databaseUrls[service]);
      return null;
    }
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await c.then((client) => client.end()).catch(() => undefined);
    if (this.nats) await this.nats.then((n) => n.nc.close()).catch(() => undefined);
  }
}
