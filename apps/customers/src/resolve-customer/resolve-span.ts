import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Msg } from '@nats-io/transport-node';
import { RESOLVE_QUEUE, ResolveReply } from '@calm/contracts';
import { messagingTracer, spanContextOf, tracingStarted } from '@calm/tracing';

/**
 * Answers one customers.resolve request inside a consumer span "process customers.resolve"
 * (messaging semantic conventions), linked to the asker's context from the request's NATS
 * headers `traceparent`/`tracestate` (headers, never the body: who may ask is settled by the
 * subject's permissions). The span roots a trace of its own: an asker's sweep asks about
 * many ids, and the decision it answers with may belong to another trace (the one its
 * event is published in). The seal it may write, and its queries, continue this span;
 * `calm.customer.id` is set once the request has been read. With tracing off this is a
 * direct call.
 */
export async function inResolveSpan(msg: Msg, answer: () => Promise<ResolveReply>): Promise<ResolveReply> {
  if (!tracingStarted()) return answer();
  const asker = spanContextOf({ traceparent: msg.headers?.get('traceparent') || undefined, tracestate: msg.headers?.get('tracestate') || undefined });
  const span = messagingTracer().startSpan(
    `process ${msg.subject}`,
    {
      kind: SpanKind.CONSUMER,
      links: asker ? [{ context: asker }] : [],
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': msg.subject,
        'messaging.consumer.group.name': RESOLVE_QUEUE,
      },
    },
    ROOT_CONTEXT,
  );
  try {
    const reply = await context.with(trace.setSpan(ROOT_CONTEXT, span), answer);
    if ('error' in reply) span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error });
    return reply;
  } finally {
    span.end();
  }
}

/** Names the customer a resolve span is about, once the request has been read (nothing with tracing off). */
export function resolvingCustomer(customerId: string): void {
  trace.getActiveSpan()?.setAttribute('calm.customer.id', customerId);
}
