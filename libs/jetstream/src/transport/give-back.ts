import type { JsMsg } from '@nats-io/jetstream';
import { sleep } from '@calm/config';
import { DeadLetterStore, deadLetterOf } from '../dead-letter';
import { MAX_DELIVERIES_REASON } from './max-deliveries.listener';

export interface GiveBackOptions {
  maxDeliver: number;
  deadLetters: DeadLetterStore;
  from: { stream: string; consumer: string };
  warn: (message: string) => void;
  onDeadLettered?: (count: number) => void;
}

/**
 * Gives messages back (nak) for redelivery, except those on their last delivery: a nak
 * there would spend it for nothing, so each is dead-lettered now with reason "max
 * deliveries" and terminated. If that write fails the message stays unacknowledged; when
 * its ack_wait ends the server declares it exhausted and the advisory listener
 * (max-deliveries.listener.ts) records it.
 */
export class GiveBack {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: GiveBackOptions) {}

  giveBack(msgs: JsMsg[]): void {
    const { maxDeliver, deadLetters, from } = this.options;
    const last = msgs.filter((m) => m.info.deliveryCount >= maxDeliver);
    msgs.filter((m) => m.info.deliveryCount < maxDeliver).forEach((m) => m.nak());
    if (last.length === 0) return;
    const done = (async () => {
      for (const msg of last) {
        try {
          await deadLetters.recordExhausted(deadLetterOf(msg, MAX_DELIVERIES_REASON, undefined, from));
          msg.term();
          this.options.onDeadLettered?.(1);
        } catch (err) {
          this.options.warn(`last delivery of stream seq ${msg.seq} left for the max-deliveries advisory: ${(err as Error).message}`);
        }
      }
    })().finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Waits for those dead letters, at most `ms`: with the database gone they fail slowly, and the advisory covers them. */
  async settled(ms: number): Promise<void> {
    await Promise.race([Promise.all(this.pending), sleep(ms)]);
  }
}
