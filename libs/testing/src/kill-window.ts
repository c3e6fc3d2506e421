import { JetStreamManager } from '@nats-io/jetstream';
import { queryDatabase } from './test-database';

/** Where a crash landed: rows committed but not yet marked published, messages taken but not acked. */
export interface KillWindow {
  unpublishedRows: number;
  unackedMessages: number;
}

/** Sampled right after a SIGKILL, before the restart: shows which crash windows the kills hit. */
export async function sampleKillWindow(databaseUrl: string, jsm: JetStreamManager, stream = 'CUSTOMERS', durable = 'accounts-customer-created'): Promise<KillWindow> {
  const [{ n }] = await queryDatabase<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  const info = await jsm.consumers.info(stream, durable).catch(() => null);
  return { unpublishedRows: Number(n), unackedMessages: info?.num_ack_pending ?? 0 };
}

export function describeKillWindows(windows: KillWindow[]): string {
  const outbox = windows.filter((w) => w.unpublishedRows > 0).length;
  const consuming = windows.filter((w) => w.unackedMessages > 0).length;
  return `${outbox}/${windows.length} kills left committed but unpublished outbox rows, ${consuming}/${windows.length} left consumed but unacked messages`;
}
