import { Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { CloudEvent } from '@calm/contracts';
import type { OutgoingMessage, PublishResult } from './outgoing-message';
import { TraceCarrier, carrierOf, contextOf, messagingTracer } from '@calm/tracing';

interface OutboxRow extends TraceCarrier {
  event_id: string;
  subject: string;
  payload: CloudEvent;
}

/**
 * The relay's messages for a batch of outbox rows. A row that carries the trace context of
 * the write that stored it is published inside a producer span of that trace ("send
 * <type>", messaging semantic conventions), whose context travels twice: as the NATS
 * headers `traceparent`/`tracestate` (for the transport) and as the CloudEvents
 * distributed-tracing extension attributes (the event keeps it wherever it is copied:
 * dead letters, replays). A row without one is published as before, with no span.
 * `end` closes the spans with the PubAck results.
 */
export function tracedMessages(
  rows: readonly OutboxRow[],
  streamOf: (subject: string) => string | undefined,
): { messages: OutgoingMessage[]; end: (results: PublishResult[]) => void } {
  const spans: (Span | undefined)[] = [];
  const messages = rows.map((r, i): OutgoingMessage => {
    const stream = streamOf(r.subject);
    if (!r.traceparent) return { subject: r.subject, data: JSON.stringify(r.payload), msgID: r.event_id, stream };
    const span = messagingTracer().startSpan(
      `send ${r.payload.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.destination.name': r.subject,
          'messaging.message.id': r.event_id,
        },
      },
      contextOf(r),
    );
    spans[i] = span;
    // With tracing off in this process the stored context is passed on unchanged.
    const sent = carrierOf(trace.setSpan(context.active(), span)) ?? { traceparent: r.traceparent, ...(r.tracestate ? { tracestate: r.tracestate } : {}) };
    return { subject: r.subject, data: JSON.stringify({ ...r.payload, ...sent }), msgID: r.event_id, stream, headers: sent as Record<string, string> };
  });
  return {
    messages,
    end: (results) =>
      spans.forEach((span, i) => {
        if (!span) return;
        const r = results[i];
        if (r instanceof Error) span.setStatus({ code: SpanStatusCode.ERROR, message: r.message });
        span.end();
      }),
  };
}
