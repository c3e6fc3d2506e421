import { JetStreamManager } from '@nats-io/jetstream';
import { consumers } from '@calm/contracts';
import { queryDatabase } from './test-database';
import { waitFor } from './wait';

/** Where a crash landed: rows committed but not yet marked published, messages taken but not acked. */
export interface KillWindow {
  unpublishedRows: number;
  unackedMessages: number;
}

/** Sampled right after a SIGKILL, before the restart: shows which crash windows the kills hit. */
export async function sampleKillWindow(
  databaseUrl: string,
  jsm: JetStreamManager,
  stream = consumers.validateAccountsWhenCustomerCreated.stream,
  durable = consumers.validateAccountsWhenCustomerCreated.durable,
): Promise<KillWindow> {
  const [{ n }] = await queryDatabase<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
  const info = await jsm.consumers.info(stream, durable).catch(() => null);
  return { unpublishedRows: Number(n), unackedMessages: info?.num_ack_pending ?? 0 };
}

/** A kill landed when it left work the restarted service must finish: an unpublished outbox row or an unacked message. */
export const landed = (w: KillWindow): boolean => w.unpublishedRows > 0 || w.unackedMessages > 0;

/**
 * Waits (up to `timeoutMs`) for a moment when the live service has work in one of the
 * crash windows, so the kill that follows is likely to land. Likely, not certain: the
 * window can close between this sample and the signal; sampleKillWindow after the kill
 * is what counts.
 */
export async function awaitWorkInFlight(databaseUrl: string, jsm: JetStreamManager, timeoutMs = 5000): Promise<void> {
  await waitFor('work in a crash window', async () => landed(await sampleKillWindow(databaseUrl, jsm)), timeoutMs, 10).catch(() => undefined);
}

export function describeKillWindows(windows: KillWindow[]): string {
  const outbox = windows.filter((w) => w.unpublishedRows > 0).length;
  const consuming = windows.filter((w) => w.unackedMessages > 0).length;
  const both = windows.filter((w) => w.unpublishedRows > 0 && w.unackedMessages > 0).length;
  return `${outbox}/${windows.length} kills left committed but unpublished outbox rows, ${consuming}/${windows.length} left consumed but unacked messages, ${both}/${windows.length} both`;
}

/** Fails unless at least `minFraction` of the kills (and at least one) landed in a crash window. */
export function expectKillsLanded(windows: KillWindow[], minFraction = 0): void {
  const hits = windows.filter(landed).length;
  if (hits === 0 || hits < minFraction * windows.length) {
    throw new Error(
      `only ${hits} of ${windows.length} kills hit unpublished outbox rows or unacked messages (wanted at least ${Math.max(1, Math.ceil(minFraction * windows.length))}): ${describeKillWindows(windows)}`,
    );
  }
}
