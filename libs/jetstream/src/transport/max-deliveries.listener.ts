import { Logger } from '@nestjs/common';
import type { StoredMsg } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { backoffDelay, sleep } from '@calm/config';
import { DeadLetter, DeadLetterStore, storableText } from '../dead-letter';
import { NatsClient } from '../nats-client';

/** The reason every exhausted message is recorded with, whatever spent its deliveries. */
export const MAX_DELIVERIES_REASON = 'max deliveries';

/** The subject on which the server announces a message of `durable` that ran out of deliveries. */
export const maxDeliveriesSubject = (stream: string, durable: string): string => `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`;

/** The advisory's body (io.nats.jetstream.advisory.v1.max_deliver): which message, how often it was delivered. */
interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/** The dead letter of an exhausted message, read back from its stream by sequence. */
export function exhaustedLetter(advisory: { stream: string; consumer: string; seq: number; deliveries: number }, stored: StoredMsg | null): DeadLetter {
  const base = { stream: advisory.stream, consumer: advisory.consumer, streamSeq: advisory.seq, deliveries: advisory.deliveries };
  if (!stored) {
    // Not silently dropped even then: the letter says which message it was and that the stream lost it.
    // The reason stays exact: the once-only index (dead_letter_exhausted_once) covers that reason alone.
    return {
      ...base,
      subject: '',
      payload: new Uint8Array(),
      headers: { 'Calm-Note': ['the stream no longer holds the message'] },
      reason: MAX_DELIVERIES_REASON,
    };
  }
  const headers: Record<string, string[]> = {};
  for (const [k, v] of stored.header ?? []) headers[storableText(k)] = v.map(storableText);
  const event = eventOf(stored.data);
  return {
    ...base,
    subject: storableText(stored.subject),
    payload: stored.data,
    headers,
    reason: MAX_DELIVERIES_REASON,
    eventId: event?.id ?? headers['Nats-Msg-Id']?.[0],
    eventType: event?.type,
  };
}

function eventOf(data: Uint8Array): { id?: string; type?: string } | undefined {
  try {
    const e = JSON.parse(Buffer.from(data).toString('utf8')) as { id?: unknown; type?: unknown };
    return { id: typeof e.id === 'string' ? storableText(e.id) : undefined, type: typeof e.type === 'string' ? storableText(e.type) : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Every message a consumer runs out of deliveries for becomes a dead letter, whatever
 * spent them: a crash while it was held (ack_wait expired), a give-back at shutdown, a
 * dead-letter write that failed. The server stops offering such a message and says so
 * only on this advisory subject; the listener reads the message back by its stream
 * sequence (STREAM.MSG.GET) and records it with reason "max deliveries". Every instance
 * listens and records; the unique index dead_letter_exhausted_once keeps one letter.
 *
 * It subscribes before its consumer pulls: the server decides a message is exhausted
 * when it would deliver it again, that is, while some instance pulls, so some instance
 * is listening (advisories are not stored; one published to no listener is gone).
 */
export class MaxDeliveriesListener {
  private readonly logger = new Logger('MaxDeliveries');
  private sub?: Subscription;
  private readonly recording = new Set<Promise<void>>();
  private stopping = false;
  private readonly stopped = new AbortController();

  constructor(
    private readonly nats: NatsClient,
    private readonly deadLetters: DeadLetterStore,
    private readonly from: { stream: string; durable: string },
    private readonly onRecorded?: (count: number) => void,
    /**
     * How long the consumer gets, once its database answers, to commit a copy of the message
     * it still holds (a batch held through an outage, copies queued behind it): the server
     * counts their deliveries while they wait, and gives up on a message whose copy is then
     * applied. The record checks the inbox after that (DeadLetterStore.recordExhausted).
     */
    private readonly settle: { checkHealth: () => Promise<void>; settleMs: number } = { checkHealth: async () => undefined, settleMs: 0 },
  ) {}

  /** Subscribes (once); the connection resubscribes by itself after a reconnect. */
  listen(): void {
    if (this.sub && !this.sub.isClosed()) return;
    this.sub = this.nats.nc.subscribe(maxDeliveriesSubject(this.from.stream, this.from.durable), {
      callback: (err, msg) => {
        if (err || this.stopping) return;
        let advisory: MaxDeliveriesAdvisory;
        try {
          advisory = msg.json<MaxDeliveriesAdvisory>();
        } catch {
          return this.logger.error(`unreadable max-deliveries advisory on ${msg.subject}`);
        }
        const done = this.record(advisory).finally(() => this.recording.delete(done));
        this.recording.add(done);
      },
    });
  }

  async close(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    this.sub?.unsubscribe();
    await Promise.all(this.recording);
  }

  /** Retries while the database or NATS is away; stops only with the process (another instance hears the next one). */
  private async record(a: MaxDeliveriesAdvisory): Promise<void> {
    let settled = this.settle.settleMs === 0;
    for (let attempt = 0; !this.stopping || attempt === 0; attempt++) {
      try {
        if (!settled) {
          await this.settle.checkHealth();
          // Cut short by close(): the record is then made at once rather than not at all.
          await sleep(this.settle.settleMs, this.stopped.signal);
          settled = true;
        }
        const stored = await this.nats.jsm.streams.getMessage(a.stream, { seq: a.stream_seq });
        const letter = exhaustedLetter({ stream: a.stream, consumer: a.consumer, seq: a.stream_seq, deliveries: a.deliveries }, stored);
        const recorded = await this.deadLetters.recordExhausted(letter);
        if (recorded) {
          this.logger.warn(`dead-lettered ${a.stream} seq ${a.stream_seq} (${letter.subject}): ${letter.reason} (${a.deliveries})`);
          this.onRecorded?.(1);
        }
        return;
      } catch (err) {
        const delay = backoffDelay(attempt, 200, 5000);
        this.logger.warn(`cannot record exhausted ${a.stream} seq ${a.stream_seq} yet (${(err as Error).message}); again in ${delay} ms`);
        await sleep(delay);
      }
    }
  }
}
