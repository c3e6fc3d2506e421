import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import { lastValueFrom } from 'rxjs';
import { PermanentEventError } from '@calm/contracts';
import { backoffDelay, sleep, stageNow } from '@calm/config';
import { holdAndRetry, HoldOptions } from './hold-and-retry';
import { pumpBatches } from './batch-pump';
import { inConsumerSpan } from './consumer-span';
import { pullOneRequestAtATime } from './pull-requests';
import { batchApplied } from './stage-channels';
import { MaxDeliveriesListener } from './max-deliveries.listener';
import { GiveBack } from './give-back';
import { DeadLettering } from './dead-lettering';
import { ensureDurableConsumer, tunableSettings } from './durable-consumer';
import { DEFAULT_CONSUMER_BATCH, DecodedEvent, JetStreamServerOptions } from './jetstream-server.options';

export class JetStreamContext extends BaseRpcContext<[JsMsg[]]> {
  getMessages(): JsMsg[] {
    return this.args[0];
  }
}

interface Item<E> {
  msg: JsMsg;
  event: E;
}

/**
 * A NestJS transport strategy over a JetStream pull consumer, so that consumers are
 * ordinary @EventPattern handlers while this class owns ack, nak, term and dead letters.
 *
 * - Messages are micro-batched: while one batch is applied the next accumulates, so an
 *   idle consumer handles each message at once and a busy one applies large batches.
 *   A handler registered with `@EventPattern(type, { batch: true })` receives the array.
 * - A message that cannot be decoded, has no handler, or fails with PermanentEventError
 *   is dead-lettered (durably, then terminated) and never blocks the ones behind it.
 * - A transient failure (database down) holds the batch, keeps it alive with
 *   `working()`, and retries when the dependency is back: it spends no delivery and is
 *   never dead-lettered for that. A "transient" error while the health probe passes is
 *   tolerated HEALTHY_RETRY_LIMIT times, then handled like any other failure.
 * - Any other failure is retried one message at a time on the consumer's `backoff`
 *   schedule (the message is left unacknowledged, so the server redelivers it after
 *   backoff[n]) and dead-lettered with its last error on the final allowed delivery.
 *   Not a delayed nak: nats-server 2.9 measures a nak delay against ack_wait but
 *   expires it against backoff[n], so on a consumer with backoff the third delivery
 *   of a nak'd message came a whole backoff step late (faults-dead-letters test).
 * - Messages come one pull request at a time (pull-requests.ts), and close() waits for the open
 *   one to end (up to PULL_EXPIRES_MS on an idle stream) rather than cutting it off.
 */
export class JetStreamServer<E extends DecodedEvent = DecodedEvent> extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('JetStreamServer');
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxDeliver: number;
  private readonly ackWaitMs: number;
  private readonly backoffMs: number[];
  /** How a batch is held while the database is down (hold-and-retry.ts). */
  private readonly hold: HoldOptions;
  private stopping = false;
  private stop!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.stop = resolve));
  private running?: Promise<void>;
  private attached = false;
  /** Records the messages this consumer runs out of deliveries for, whatever spent them. */
  private readonly exhausted: MaxDeliveriesListener;
  /** Gives messages back at stop, dead-lettering those on their last delivery. */
  private readonly returns: GiveBack;
  /** Stores dead letters, then terminates their messages. */
  private readonly letters: DeadLettering<E>;

  constructor(private readonly options: JetStreamServerOptions<E>) {
    super();
    this.batchSize = options.batchSize ?? DEFAULT_CONSUMER_BATCH;
    this.concurrency = options.concurrency ?? 1;
    if (!(Number.isInteger(this.concurrency) && this.concurrency >= 1)) throw new Error(`consumer ${options.durable}: concurrency must be a whole number >= 1`);
    this.maxDeliver = options.maxDeliver ?? 10;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    // JetStream requires max_deliver > the number of backoff steps; backoff[0] acts as the first ack wait.
    // Default: 1, 2, 4, 10 ack waits (30 s, 1, 2, 5 min at the default ack wait), so a shorter ack wait shortens the whole schedule.
    this.backoffMs = (options.backoffMs ?? [1, 2, 4, 10].map((k) => k * this.ackWaitMs)).slice(0, Math.max(0, this.maxDeliver - 1));
    this.hold = {
      isTransient: options.isTransient,
      checkHealth: options.checkHealth,
      isStopping: () => this.stopping,
      // Held messages are kept alive with working() well inside any redelivery timer.
      tickMs: Math.max(50, Math.min(this.ackWaitMs, ...this.backoffMs) / 3),
      warn: (message) => this.logger.warn(message),
      giveBack: (msgs) => this.returns.giveBack(msgs as JsMsg[]),
    };
    this.returns = new GiveBack({
      maxDeliver: this.maxDeliver,
      deadLetters: options.deadLetters,
      from: { stream: options.stream, consumer: options.durable },
      warn: (message) => this.logger.warn(message),
      onDeadLettered: (n) => options.onOutcome?.('dead_lettered', 'unknown', n),
    });
    this.letters = new DeadLettering(options.deadLetters, { stream: options.stream, consumer: options.durable }, this.hold, this.logger, options.onOutcome);
    this.exhausted = new MaxDeliveriesListener(
      options.nats,
      options.deadLetters,
      { stream: options.stream, durable: options.durable },
      (n) => options.onOutcome?.('dead_lettered', 'unknown', n),
      { checkHealth: options.checkHealth, settleMs: this.ackWaitMs },
    );
  }

  get durable(): string {
    return this.options.durable;
  }

  /** True while a consumer is attached and pulling, for /health/ready. */
  get isConsuming(): boolean {
    return this.attached;
  }

  listen(callback: () => void): void {
    this.running = this.run();
    callback();
  }

  /**
   * Stops pulling and resolves once the pull request open at that moment has ended and
   * every message it brought was applied or given back (nak). The request is not cut
   * short: see pullOneRequestAtATime.
   */
  async close(): Promise<void> {
    this.stopping = true;
    this.stop();
    await this.running;
    await this.returns.settled(2000);
    await this.exhausted.close();
  }

  on(): void {
    throw new Error('JetStreamServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    return this.options.nats.nc as T;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        // Wait for NATS and the database, but not past close(): a service stopped while
        // either is unreachable must still exit promptly.
        const dependencies = Promise.all([this.options.nats.ready, this.options.dependenciesReady()]).then(() => true);
        if (!(await Promise.race([dependencies, this.stopped.then(() => false)]))) break;
        await this.ensureConsumer();
        // Before pulling: the server declares a message exhausted while someone pulls.
        this.exhausted.listen();
        const consumer = await this.options.nats.js.consumers.get(this.options.stream, this.options.durable);
        this.attached = true;
        attempt = 0;
        await this.pump(
          pullOneRequestAtATime(
            consumer,
            this.batchSize * 2,
            () => this.stopping,
            (msgs) => this.returns.giveBack(msgs),
          ),
        );
      } catch (err) {
        if (this.stopping) break;
        const delay = backoffDelay(attempt);
        this.logger.warn(`consumer ${this.options.durable}: ${(err as Error).message}; reattaching in ${delay} ms`);
        await sleep(delay);
      } finally {
        this.attached = false;
      }
    }
  }

  private ensureConsumer(): Promise<void> {
    const { stream, durable, filterSubject, maxAckPending, maxBufferBytes } = this.options;
    const tunable = tunableSettings({ ackWaitMs: this.ackWaitMs, maxDeliver: this.maxDeliver, backoffMs: this.backoffMs, maxAckPending, maxBufferBytes });
    return ensureDurableConsumer(this.options.nats.jsm, { stream, durable, filterSubject }, tunable, this.logger);
  }

  private pump(messages: AsyncIterable<JsMsg>): Promise<void> {
    return pumpBatches(messages, {
      batchSize: this.batchSize,
      concurrency: this.concurrency,
      apply: async (batch) => {
        const startedAt = batchApplied.hasSubscribers ? stageNow() : 0;
        if (this.stopping) this.returns.giveBack(batch);
        else await inConsumerSpan(this.options.stream, this.options.durable, batch, () => this.processBatch(batch)).catch((err) => this.giveBack(batch, err));
        if (startedAt) batchApplied.publish({ durable: this.options.durable, msgs: batch, startedAt, doneAt: stageNow() });
      },
    });
  }

  /**
   * Nest's getHandlerByPattern normalises the pattern on every call (2 % of the consumer's
   * CPU in a profile); handlers are all registered before listen(), so a cache is exact.
   */
  private readonly handlers = new Map<string, MessageHandler | null>();
  private handlerFor(type: string): MessageHandler | null {
    let handler = this.handlers.get(type);
    if (handler === undefined) this.handlers.set(type, (handler = this.getHandlerByPattern(type)));
    return handler;
  }

  private async processBatch(msgs: JsMsg[]): Promise<void> {
    const dead: { msg: JsMsg; reason: string; event?: E }[] = [];
    const byType = new Map<string, Item<E>[]>();
    for (const msg of msgs) {
      const decoded = this.options.decode(msg.data, msg.subject);
      if (!decoded.ok) {
        dead.push({ msg, reason: decoded.reason });
        continue;
      }
      const event = decoded.value;
      if (!this.handlerFor(event.type)) {
        dead.push({ msg, reason: `no handler for event type "${event.type}"`, event });
        continue;
      }
      const group = byType.get(event.type) ?? [];
      group.push({ msg, event });
      byType.set(event.type, group);
    }
    await this.letters.deadLetter(dead);
    for (const [type, items] of byType) {
      const handler = this.handlerFor(type)!;
      if (handler.extras?.batch) await this.dispatch(handler, type, items);
      else for (const item of items) await this.dispatch(handler, type, [item]);
    }
  }

  private async dispatch(handler: MessageHandler, type: string, items: Item<E>[]): Promise<void> {
    const msgs = items.map((i) => i.msg);
    const outcome = await holdAndRetry(
      msgs,
      async () => {
        const input = handler.extras?.batch ? items.map((i) => i.event) : items[0].event;
        const result = await handler(input, new JetStreamContext([msgs]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      },
      this.hold,
    );
    if (outcome.kind === 'stopped') return; // shutting down: the messages were given back
    if (outcome.kind === 'done') {
      msgs.forEach((m) => m.ack());
      this.options.onOutcome?.('applied', type, items.length);
      return;
    }
    if (items.length > 1) {
      // Isolate the culprit: the others must not pay for one bad event.
      for (const item of items) await this.dispatch(handler, type, [item]);
      return;
    }
    return this.failOne(items[0], outcome.error);
  }

  private async failOne({ msg, event }: Item<E>, err: unknown): Promise<void> {
    const message = (err as Error)?.message ?? JSON.stringify(err);
    const deliveries = msg.info.deliveryCount;
    if (err instanceof PermanentEventError) {
      return this.letters.deadLetter([{ msg, event, reason: message }]);
    }
    // Alone (its batch was re-run one by one), so the error is this event's own.
    if (this.options.isPermanent?.(err)) {
      return this.letters.deadLetter([{ msg, event, reason: `the database refuses its values: ${message}` }]);
    }
    if (deliveries >= this.maxDeliver) {
      return this.letters.deadLetter([{ msg, event, reason: `failed on all ${deliveries} deliveries; last error: ${message}` }]);
    }
    this.logger.warn(
      `event ${event.id} (${event.type}) failed on delivery ${deliveries}/${this.maxDeliver}; the server redelivers it after its backoff: ${message}`,
    );
    this.options.onOutcome?.('retried', event.type, 1);
  }

  /**
   * The worker must outlive any surprise (a throwing decoder, a bug): otherwise the reader
   * waits forever for room in the queue and the consumer is stuck. The batch is left
   * unacknowledged: the server redelivers it on the backoff schedule, towards max_deliver.
   */
  private giveBack(msgs: JsMsg[], err: unknown): void {
    this.logger.error(`unexpected failure on a batch of ${msgs.length}; left for redelivery: ${(err as Error)?.stack ?? err}`);
  }
}
