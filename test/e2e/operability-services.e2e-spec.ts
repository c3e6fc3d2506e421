import { createServer } from 'node:net';
import { LOCAL_DATABASE_URL, LOCAL_NATS_URL, ServiceProbes, localProbes, resolveTestServices } from '../support/services';

/** The decision logic of the test-services setup, with injected probes (no Docker needed). */
describe('resolveTestServices', () => {
  /** `startable`: whether this machine can start a server of its own (binaries or Docker). */
  function probes(answering: string[], startable: boolean): ServiceProbes & { started: string[]; stopped: string[] } {
    const started: string[] = [];
    const stopped: string[] = [];
    const container = (name: string, url: string) => async () => {
      if (!startable) return undefined;
      started.push(name);
      return { url, source: 'testcontainers' as const, stop: async () => void stopped.push(name) };
    };
    return {
      started,
      stopped,
      answers: async (url) => answering.includes(url),
      startPostgres: container('postgres', 'postgres://test:test@localhost:49153/test'),
      startNats: container('nats', 'nats://localhost:49154'),
    };
  }

  it('uses the local services when they answer, starting nothing', async () => {
    const p = probes([LOCAL_DATABASE_URL, LOCAL_NATS_URL], false);
    const s = await resolveTestServices({}, p);
    expect(s).toMatchObject({ databaseUrl: LOCAL_DATABASE_URL, natsUrl: LOCAL_NATS_URL, sources: { database: 'local', nats: 'local' } });
    expect(p.started).toEqual([]);
  });

  it('prefers the URLs from the environment', async () => {
    const env = { TEST_DATABASE_URL: 'postgres://ci@db:5432/postgres', TEST_NATS_URL: 'nats://broker:4222' };
    const s = await resolveTestServices(env, probes(Object.values(env), false));
    expect(s).toMatchObject({ databaseUrl: env.TEST_DATABASE_URL, natsUrl: env.TEST_NATS_URL, sources: { database: 'environment', nats: 'environment' } });
  });

  it('starts a container only for the service that does not answer, and stops it', async () => {
    const p = probes([LOCAL_DATABASE_URL], true);
    const s = await resolveTestServices({}, p);
    expect(s).toMatchObject({ databaseUrl: LOCAL_DATABASE_URL, natsUrl: 'nats://localhost:49154', sources: { database: 'local', nats: 'testcontainers' } });
    expect(p.started).toEqual(['nats']);
    await s.stop();
    expect(p.stopped).toEqual(['nats']);
  });

  it('stops with a message saying what to install when nothing answers and nothing can be started', async () => {
    const p = probes([LOCAL_NATS_URL], false);
    const err = await resolveTestServices({}, p).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`database at ${LOCAL_DATABASE_URL}`);
    expect(err?.message).not.toContain('nats at');
    expect(err?.message).toContain('npm run services:ensure');
    expect(err?.message).toContain('apt-get install nats-server');
    expect(err?.message).toContain('Docker engine');
    expect(p.started).toEqual([]);
  });

  it('stops what it started when a later container fails', async () => {
    const p = probes([], true);
    p.startNats = async () => {
      throw new Error('image pull failed');
    };
    await expect(resolveTestServices({}, p)).rejects.toThrow('image pull failed');
    expect(p.stopped).toEqual(['postgres']);
  });

  it('probes TCP for real: a listening port answers, a closed one does not', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    expect(await localProbes.answers(`nats://127.0.0.1:${port}`)).toBe(true);
    await new Promise((r) => server.close(r));
    expect(await localProbes.answers(`postgres://u@127.0.0.1:${port}/db`)).toBe(false);
  });
});
