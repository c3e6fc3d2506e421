import { Socket } from 'node:net';

/**
 * Where the tests find PostgreSQL and NATS. For each: the URL from the environment
 * (TEST_DATABASE_URL, TEST_NATS_URL) or the local default when it answers; otherwise a
 * testcontainers container when a Docker engine is reachable; otherwise an error that
 * says what to start.
 */
export interface TestServices {
  databaseUrl: string;
  natsUrl: string;
  /** Where each came from, for the log line. */
  sources: { database: Source; nats: Source };
  /** Stops the containers this call started (nothing for local services). */
  stop(): Promise<void>;
}

type Source = 'environment' | 'local' | 'testcontainers';

export interface ServiceProbes {
  /** True when something accepts TCP connections at the URL's host and port. */
  answers(url: string): Promise<boolean>;
  dockerAvailable(): Promise<boolean>;
  startPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
  startNats(): Promise<{ url: string; stop(): Promise<void> }>;
}

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

export async function resolveTestServices(env: Record<string, string | undefined> = process.env, probes: ServiceProbes = dockerProbes): Promise<TestServices> {
  const wanted = [
    { key: 'database' as const, variable: 'TEST_DATABASE_URL', url: env.TEST_DATABASE_URL || LOCAL_DATABASE_URL, fromEnv: !!env.TEST_DATABASE_URL },
    { key: 'nats' as const, variable: 'TEST_NATS_URL', url: env.TEST_NATS_URL || LOCAL_NATS_URL, fromEnv: !!env.TEST_NATS_URL },
  ];
  const answering = await Promise.all(wanted.map((w) => probes.answers(w.url)));
  const missing = wanted.filter((_, i) => !answering[i]);
  if (missing.length > 0 && !(await probes.dockerAvailable())) {
    throw new Error(
      [
        `Tests need PostgreSQL and NATS; not answering: ${missing.map((m) => `${m.key} at ${m.url}${m.fromEnv ? ` (${m.variable})` : ''}`).join(', ')},`,
        'and no Docker engine is reachable for testcontainers. Start one of:',
        '  npm run services:ensure        (the local PostgreSQL on 127.0.0.1:5432 and nats-server -js on 127.0.0.1:4222)',
        '  pg_ctlcluster 15 main start; nats-server -a 127.0.0.1 -p 4222 -js &',
        '  a Docker engine (testcontainers then starts postgres:15 and nats:2.12 with JetStream),',
        'or point TEST_DATABASE_URL / TEST_NATS_URL at servers that answer.',
      ].join('\n'),
    );
  }
  const stops: (() => Promise<void>)[] = [];
  const pick = async (i: number, start: () => Promise<{ url: string; stop(): Promise<void> }>): Promise<{ url: string; source: Source }> => {
    if (answering[i]) return { url: wanted[i].url, source: wanted[i].fromEnv ? 'environment' : 'local' };
    const started = await start();
    stops.push(() => started.stop());
    return { url: started.url, source: 'testcontainers' };
  };
  try {
    const database = await pick(0, probes.startPostgres);
    const nats = await pick(1, probes.startNats);
    return {
      databaseUrl: database.url,
      natsUrl: nats.url,
      sources: { database: database.source, nats: nats.source },
      stop: async () => void (await Promise.all(stops.map((s) => s()))),
    };
  } catch (err) {
    await Promise.all(stops.map((s) => s().catch(() => undefined)));
    throw err;
  }
}

function tcpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol.startsWith('postgres') ? 5432 : 4222));
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, u.hostname);
  });
}

/** The real probes: TCP, and testcontainers (loaded only when needed). */
export const dockerProbes: ServiceProbes = {
  answers: (url) => tcpAnswers(url),
  async dockerAvailable() {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  },
  async startPostgres() {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const c = await new PostgreSqlContainer('postgres:15').withDatabase('postgres').start();
    return { url: c.getConnectionUri(), stop: async () => void (await c.stop()) };
  },
  async startNats() {
    const { NatsContainer } = await import('@testcontainers/nats');
    const c = await new NatsContainer('nats:2.12').withJetStream().start();
    // The module always sets a user and password; they travel in the URL like NATS_URL's.
    const { user, pass } = c.getConnectionOptions();
    const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@` : '';
    return { url: `nats://${auth}${c.getHost()}:${c.getMappedPort(4222)}`, stop: async () => void (await c.stop()) };
  },
};
