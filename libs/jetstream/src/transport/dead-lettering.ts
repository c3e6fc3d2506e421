import type { LoggerService } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { DeadLetter, DeadLetterStore, deadLetterOf, storableText } from '../dead-letter';
import type { DecodedEvent, JetStreamServerOptions } from './jetstream-server.options';
import { holdAndRetry, HoldOptions } from './hold-and-retry';

/**
 * Stores a consumer's dead letters, then terminates their messages: a message is
 * terminated only once its letter is stored, and held like any batch while the database
 * is down.
 */
export class DeadLettering<E extends DecodedEvent> {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    private readonly from: { stream: string; consumer: string },
    private readonly hold: HoldOptions,
    private readonly logger: Pick<LoggerService, 'warn' | 'error'>,
    private readonly onOutcome: JetStreamServerOptions<E>['onOutcome'],
  ) {}

  async deadLetter(items: { msg: JsMsg; reason: string; event?: E }[]): Promise<void> {
    if (items.length === 0) return;
    const letters = items.map(({ msg, reason, event }) => deadLetterOf(msg, reason, event, this.from));
    const outcome = await holdAndRetry(
      items.map((i) => i.msg),
      () => this.deadLetters.record(letters),
      this.hold,
    );
    if (outcome.kind === 'stopped') return;
    // Retrying the same rows can never succeed: store them stripped to what cannot fail.
    // If even that fails the messages stay unacknowledged (redelivered later), never terminated unstored.
    if (outcome.kind === 'failed' && !(await this.recordStripped(letters, outcome.error))) return;
    for (const { msg, reason, event } of items) {
      this.logger.warn(`dead-lettered stream seq ${msg.seq} (${msg.subject}${event ? `, event ${event.id}` : ''}): ${reason}`);
      msg.term();
    }
    this.onOutcome?.('dead_lettered', items[0].event?.type ?? 'unknown', items.length);
  }

  /** Last resort for a dead letter the store rejects: keep the bytes, the reason and why. Never terminates unstored. */
  private async recordStripped(letters: DeadLetter[], err: unknown): Promise<boolean> {
    const why = storableText(`dead letter stored without headers (${(err as Error)?.message ?? err})`);
    try {
      await this.deadLetters.record(
        letters.map((l) => ({ ...l, headers: {}, eventId: undefined, eventType: undefined, reason: `${l.reason.slice(0, 1000)}; ${why}` })),
      );
      return true;
    } catch (again) {
      this.logger.error(`cannot store ${letters.length} dead letter(s); left for redelivery: ${(again as Error)?.message ?? again}`);
      return false;
    }
  }
}
