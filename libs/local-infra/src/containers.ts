/**
 * PostgreSQL and NATS in Docker through testcontainers, for a machine without the
 * servers installed. testcontainers is loaded only when one is needed.
 */
export interface StartedContainer {
  url: string;
  stop(): Promise<void>;
}

/** True when a Docker (or compatible) engine answers. */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export async function startPostgresContainer(): Promise<StartedContainer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const c = await new PostgreSqlContainer('postgres:15').withDatabase('postgres').start();
  return { url: c.getConnectionUri(), stop: async () => void (await c.stop()) };
}

/** nats:2.12 with JetStream. The module always sets a user and password; they travel in the URL, as NATS_URL takes them. */
export async function startNatsContainer(): Promise<StartedContainer> {
  const { NatsContainer } = await import('@testcontainers/nats');
  const c = await new NatsContainer('nats:2.12').withJetStream().start();
  const { user, pass } = c.getConnectionOptions();
  const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@` : '';
  return { url: `nats://${auth}${c.getHost()}:${c.getMappedPort(4222)}`, stop: async () => void (await c.stop()) };
}
