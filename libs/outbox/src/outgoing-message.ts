/**
 * What the relay publishes and what JetStream answers: shared by the PubAck collector and
 * the duplicate check it calls, which would otherwise import each other.
 */
export interface OutgoingMessage {
  subject: string;
  data: string;
  /** Nats-Msg-Id: JetStream drops a second copy within its duplicate window. */
  msgID: string;
  /** The stream that owns the subject: a PubAck from any other stream does not count. */
  stream?: string;
  /** More headers (the W3C trace context: traceparent, tracestate). */
  headers?: Record<string, string>;
}

/** Where the stream stored a message: the relay keeps it on the outbox row. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}
export type PublishResult = PubAck | Error;
