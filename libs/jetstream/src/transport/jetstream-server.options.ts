import type { DecodeResult } from '@calm/contracts';
import type { DeadLetterStore } from '../dead-letter';
import type { NatsClient } from '../nats-client';

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
