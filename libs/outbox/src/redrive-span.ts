import { Link, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { messagingTracer, spanContextOf, tracingStarted } from '@calm/tracing';

/** A re-driven outbox row: its event id and the trace context stored with it (null when it was written untraced). */
export interface RedrivenRow {
  event_id: string;
  traceparent: string | null;
  tracestate: string | null;
}

/**
 * The outbox audit's re-drive of rows a stream lost, as one span ("redrive <stream>") linked
 * to each row's stored context: the audit runs in no request's trace, and the rows it puts
 * back belong to many. The relay then publishes each row again inside its own trace
 * (traced-publish.ts), so the operator sees the loss and the repair from the account's
 * trace. Nothing with tracing off.
 */
export function redriveSpan(stream: string, rows: readonly RedrivenRow[]): void {
  if (!tracingStarted()) return;
  const links: Link[] = rows.flatMap((r) => {
    const linked = spanContextOf({ traceparent: r.traceparent ?? undefined, tracestate: r.tracestate ?? undefined });
    return linked ? [{ context: linked, attributes: { 'messaging.message.id': r.event_id } }] : [];
  });
  messagingTracer()
    .startSpan(
      `redrive ${stream}`,
      { kind: SpanKind.INTERNAL, links, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': stream, 'calm.outbox.redriven': rows.length } },
      ROOT_CONTEXT,
    )
    .end();
}
