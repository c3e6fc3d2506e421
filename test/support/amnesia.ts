import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { queryDatabase, waitFor } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';

/**
 * A broker's amnesia, as an OS crash with a lazy fsync leaves it: a copy of the store
 * directory taken while the server runs stands for what reached the disk; the server is
 * later SIGKILLed and that copy put back, so everything acknowledged after the copy is gone.
 */
export class StoreCopy {
  private constructor(
    private readonly server: TestNatsServer,
    private readonly dir: string,
  ) {}

  /** Copies the running server's store now. */
  static take(server: TestNatsServer): StoreCopy {
    const dir = mkdtempSync(join(tmpdir(), 'calm-nats-copy-'));
    cpSync(server.storeDir, dir, { recursive: true });
    return new StoreCopy(server, dir);
  }

  /** SIGKILL: the acknowledged tail now exists only in the killed server's files. */
  kill(): Promise<void> {
    return this.server.kill();
  }

  /**
   * Reads what a server started on the copy holds, on a private port nobody else knows:
   * the proof that the fault lands is taken before the services can repair anything.
   */
  async inspect<T>(read: (jsm: JetStreamManager) => Promise<T>): Promise<T> {
    const probe = await startNatsServer();
    try {
      await probe.kill();
      rmSync(probe.storeDir, { recursive: true, force: true });
      cpSync(this.dir, probe.storeDir, { recursive: true });
      await probe.restart();
      const nc = await connect({ servers: probe.url });
      try {
        const jsm = await jetstreamManager(nc);
        await waitFor(
          "the copy's JetStream to answer",
          () =>
            jsm.streams
              .list()
              .next()
              .then(
                () => true,
                () => false,
              ),
          30_000,
          50,
        );
        return await read(jsm);
      } finally {
        await nc.close();
      }
    } finally {
      await probe.stop();
    }
  }

  /** The copy in place of the (killed) server's store, then start it again; resolves when the port is open. */
  async restore(): Promise<void> {
    rmSync(this.server.storeDir, { recursive: true, force: true });
    cpSync(this.dir, this.server.storeDir, { recursive: true });
    rmSync(this.dir, { recursive: true, force: true });
    await this.server.restart();
  }
}

/** The event ids a service's outbox says its stream acknowledged. */
export async function acknowledgedIds(databaseUrl: string): Promise<string[]> {
  const rows = await queryDatabase<{ event_id: string }>(databaseUrl, 'SELECT event_id FROM outbox WHERE published_at IS NOT NULL');
  return rows.map((r) => r.event_id);
}

/** How many copies of each Nats-Msg-Id a stream holds, read message by message (a test's own count). */
export async function storedIdCounts(jsm: JetStreamManager, stream: string): Promise<Map<string, number>> {
  const info = await jsm.streams.info(stream);
  const counts = new Map<string, number>();
  const seqs = Array.from({ length: Math.max(0, info.state.last_seq - info.state.first_seq + 1) }, (_, i) => info.state.first_seq + i);
  for (let i = 0; i < seqs.length; i += 64) {
    const got = await Promise.all(seqs.slice(i, i + 64).map((seq) => jsm.streams.getMessage(stream, { seq })));
    for (const m of got) {
      const id = m?.header?.get('Nats-Msg-Id');
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}
