import type { JsMsg } from '@nats-io/jetstream';
import { backoffDelay, sleep } from '@calm/config';

/** Transient-looking failures tolerated while the database answers its health probe. */
export const HEALTHY_RETRY_LIMIT = 5;

/** What a held message needs: kept alive while held, given back when the consumer stops. */
export type HeldMessage = Pick<JsMsg, 'working' | 'nak'>;

export interface HoldOptions {
  /** Errors that mean "the world is not ready" (database down): hold and retry. */
  isTransient: (err: unknown) => boolean;
  /** Throws while the dependency is unhealthy. */
  checkHealth: () => Promise<void>;
  isStopping: () => boolean;
  /** How often held messages are kept alive: well inside any redelivery timer. */
  tickMs: number;
  warn: (message: string) => void;
  /** Gives the messages back at stop (default: nak each). */
  giveBack?: (msgs: HeldMessage[]) => void;
  /** Injected by tests. */
  sleep?: (ms: number) => Promise<void>;
}

export type HoldOutcome<T> =
  | { kind: 'done'; value: T }
  /** Not transient, or "transient" HEALTHY_RETRY_LIMIT times while the probe passed. */
  | { kind: 'failed'; error: unknown }
  /** The consumer is stopping: the messages were given back (nak) for redelivery. */
  | { kind: 'stopped' };

/**
 * Runs `attempt` for `msgs` until it succeeds. A transient failure (database down) holds
 * the messages, keeping them alive with working(), until the health probe passes, then
 * runs it again: it spends no delivery and never dead-letters. An "outage" the health
 * probe never sees is the messages' own failure (e.g. a NUL the driver refuses with
 * SQLSTATE 08P01): after HEALTHY_RETRY_LIMIT of those in a row it is returned as failed,
 * so one hostile event cannot stop the consumer for good.
 */
export async function holdAndRetry<T>(msgs: HeldMessage[], attempt: () => Promise<T>, options: HoldOptions): Promise<HoldOutcome<T>> {
  for (let failuresWhileHealthy = 0; ;) {
    try {
      return { kind: 'done', value: await attempt() };
    } catch (error) {
      if (!options.isTransient(error) || failuresWhileHealthy >= HEALTHY_RETRY_LIMIT) return { kind: 'failed', error };
      const failedProbes = await holdUntilHealthy(msgs, error, options);
      if (failedProbes === null) return { kind: 'stopped' };
      failuresWhileHealthy = failedProbes === 0 ? failuresWhileHealthy + 1 : 0;
    }
  }
}

/**
 * Keeps messages alive while a dependency is down. Returns how many health probes failed
 * before it answered (0: it was not down at all), or null when stopping (messages given back).
 */
async function holdUntilHealthy(msgs: HeldMessage[], err: unknown, options: HoldOptions): Promise<number | null> {
  const wait = options.sleep ?? sleep;
  options.warn(`holding ${msgs.length} message(s) until the database is back: ${(err as Error)?.message ?? err}`);
  for (let attempt = 0; ; attempt++) {
    if (options.isStopping()) {
      if (options.giveBack) options.giveBack(msgs);
      else msgs.forEach((m) => m.nak());
      return null;
    }
    msgs.forEach((m) => m.working());
    await wait(Math.min(backoffDelay(attempt, 200, 5000), options.tickMs));
    try {
      await options.checkHealth();
      return attempt;
    } catch {
      // still down
    }
  }
}
