import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { AckPolicy, DeliverPolicy, JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { DecodeResult, PermanentEventError } from '@calm/contracts';
import { backoffDelay, sleep } from '@calm/config';
import { holdAndRetry, HoldOptions } from './hold-and-retry';
import { DeadLetter, DeadLetterStore, deadLetterOf, storableText } from '../dead-letter';
import { pumpBatches } from './batch-pump';
import { inConsumerSpan } from './consumer-span';
import { pullOneRequestAtATime } from './pull-requests';
import { changedConsumerSettings, TunableConsumerSettings } from './consumer-settings';
import { isConsumerNotFound } from '../jetstream-errors';
import { MAX_EVENT_BYTES, NatsClient } from '../nats-client';
import { MaxDeliveriesListener } from './max-deliveries.listener';
import { GiveBack } from './give-back';

export interface DecodedEvent {
  id: string;
  type: string;
}

export interface JetStreamServerOptions<E extends DecodedEvent = DecodedEvent> {
  nats: NatsClient;
  deadLetters: DeadLetterStore;
  stream: string;
  durable: string;
  filterSubject: string;
  /** Validates bytes into an event; a failure is permanent and dead-letters at once. */
  decode: (bytes: Uint8Array, subject: string) => DecodeResult<E>;
  /** Errors that mean "the world is not ready" (database down): hold and retry, never dead-letter. */
  isTransient: (err: unknown) => boolean;
  /**
   * Errors of one event's own values (the database refuses them): when the event fails
   * alone with one, it is dead-lettered at once with that reason, never retried.
   */
  isPermanent?: (err: unknown) => boolean;
  /** Resolves once the handlers can run (database connected). */
  dependenciesReady: () => Promise<void>;
  /** Throws while the handlers' dependencies are unhealthy. */
  checkHealth: () => Promise<void>;
  batchSize?: number;
  /**
   * Batches applied at once (default 1). More than one only for handlers whose effect does
   * not depend on the order of their events (the account service's join, CALM): a batch
   * then waits for no other, so an idle consumer's events do not queue behind each other.
   * Order between the batches in flight is not kept; each message is still acked, nak'd
   * or termed by the batch that holds it.
   */
  concurrency?: number;
  maxDeliver?: number;
  ackWaitMs?: number;
  backoffMs?: number[];
  maxAckPending?: number;
  /**
   * Bytes the consumer may hold fetched and not yet acknowledged (default 128 MiB). A
   * pull request asks for a count of messages, not bytes, so the bound on what the
   * server hands out unacknowledged is its max_ack_pending: it is set to this many bytes'
   * worth of the largest message a stream stores (MAX_EVENT_BYTES), unless maxAckPending
   * is given.
   */
  maxBufferBytes?: number;
  /** Observes every outcome, for metrics and tests. */
  onOutcome?: (outcome: 'applied' | 'dead_lettered' | 'retried', type: string, count: number) => void;
}

/** Messages per batch handed to a batch handler, unless configured. */
export const DEFAULT_CONSUMER_BATCH = 256;

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

  /**
   * Creates the durable consumer when missing. An existing one whose tunable settings
   * (ack wait, deliveries, backoff, max ack pending) differ from this release's is
   * updated in place, keeping its position and pending acks.
   */
  private async ensureConsumer(): Promise<void> {
    const { jsm } = this.options.nats;
    const { stream, durable, filterSubject } = this.options;
    const tunable: TunableConsumerSettings = {
      ack_wait: nanos(this.ackWaitMs),
      max_deliver: this.maxDeliver,
      backoff: this.backoffMs.map((ms) => nanos(ms)),
      max_ack_pending: this.options.maxAckPending ?? Math.max(1, Math.floor((this.options.maxBufferBytes ?? 128 * 1024 * 1024) / MAX_EVENT_BYTES)),
    };
    try {
      const info = await jsm.consumers.info(stream, durable);
      const changes = changedConsumerSettings(info.config, tunable);
      if (changes) {
        await jsm.consumers.update(stream, durable, changes);
        this.logger.log(`updated consumer ${durable} on ${stream}: ${Object.keys(changes).join(', ')}`);
      }
      return;
    } catch (err) {
      if (!isConsumerNotFound(err)) throw err;
    }
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: filterSubject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ...tunable,
    });
    this.logger.log(`created consumer ${durable} on ${stream} (${filterSubject})`);
  }

  private pump(messages: AsyncIterable<JsMsg>): Promise<void> {
    return pumpBatches(messages, {
      batchSize: this.batchSize,
      concurrency: this.concurrency,
      apply: async (batch) => {
        if (this.stopping) this.returns.giveBack(batch);
        else await inConsumerSpan(this.options.stream, this.options.durable, batch, () => this.processBatch(batch)).catch((err) => this.giveBack(batch, err));
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
    await this.deadLetter(dead);
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
      return this.deadLetter([{ msg, event, reason: message }]);
    }
    // Alone (its batch was re-run one by one), so the error is this event's own.
    if (this.options.isPermanent?.(err)) {
      return this.deadLetter([{ msg, event, reason: `the database refuses its values: ${message}` }]);
    }
    if (deliveries >= this.maxDeliver) {
      return this.deadLetter([{ msg, event, reason: `failed on all ${deliveries} deliveries; last error: ${message}` }]);
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

  private async deadLetter(items: { msg: JsMsg; reason: string; event?: E }[]): Promise<void> {
    if (items.length === 0) return;
    const letters = items.map(({ msg, reason, event }) => deadLetterOf(msg, reason, event, { stream: this.options.stream, consumer: this.options.durable }));
    const outcome = await holdAndRetry(
      items.map((i) => i.msg),
      () => this.options.deadLetters.record(letters),
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
    this.options.onOutcome?.('dead_lettered', items[0].event?.type ?? 'unknown', items.length);
  }

  /** Last resort for a dead letter the store rejects: keep the bytes, the reason and why. Never terminates unstored. */
  private async recordStripped(letters: DeadLetter[], err: unknown): Promise<boolean> {
    const why = storableText(`dead letter stored without headers (${(err as Error)?.message ?? err})`);
    try {
      await this.options.deadLetters.record(
        letters.map((l) => ({ ...l, headers: {}, eventId: undefined, eventType: undefined, reason: `${l.reason.slice(0, 1000)}; ${why}` })),
      );
      return true;
    } catch (again) {
      this.logger.error(`cannot store ${letters.length} dead letter(s); left for redelivery: ${(again as Error)?.message ?? again}`);
      return false;
    }
  }
}
