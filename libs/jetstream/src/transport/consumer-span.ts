import { Link, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import { tracingStarted, messagingTracer, spanContextOf } from '@calm/tracing';

/** Which delivery of a message this is (1 the first, more a redelivery): NATS's own count, in the system's attribute namespace. */
const DELIVERY_COUNT = 'messaging.nats.message.delivery_count';

/**
 * Runs a batch's handling inside one consumer span ("process <stream>", messaging semantic
 * conventions) with a link to the context each message carries in its `traceparent` header:
 * a batch mixes many traces, so none is its parent. The handlers' spans (pg) and the
 * outbox rows they write continue this span. With tracing off this is a direct call.
 */
export async function inConsumerSpan<T>(stream: string, consumer: string, msgs: readonly JsMsg[], run: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return run();
  const links: Link[] = [];
  for (const m of msgs) {
    const linked = spanContextOf({ traceparent: m.headers?.get('traceparent') || undefined, tracestate: m.headers?.get('tracestate') || undefined });
    if (linked)
      links.push({
        context: linked,
        attributes: {
          'messaging.message.id': m.headers?.get('Nats-Msg-Id') ?? '',
          'messaging.destination.name': m.subject,
          [DELIVERY_COUNT]: m.info.deliveryCount,
        },
      });
  }
  const span = messagingTracer().startSpan(`process ${stream}`, {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': stream,
      'messaging.consumer.group.name': consumer,
      'messaging.batch.message_count': msgs.length,
      ...(msgs.length === 1 ? { 'messaging.message.id': msgs[0].headers?.get('Nats-Msg-Id') ?? '', [DELIVERY_COUNT]: msgs[0].info.deliveryCount } : {}),
    },
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), run);
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}
