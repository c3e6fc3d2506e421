import { Context, ROOT_CONTEXT, SpanContext, context, propagation, trace } from '@opentelemetry/api';

/** A W3C trace context as it travels: outbox columns, NATS headers, CloudEvents extension attributes. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export const messagingTracer = () => trace.getTracer('calm-accounts.messaging');

/**
 * The active span's context, or undefined when there is none. With tracing off there is
 * never an active span (the API's no-op context manager), so this costs one call.
 */
export function activeTraceCarrier(): TraceCarrier | undefined {
  return trace.getActiveSpan() ? carrierOf(context.active()) : undefined;
}

export function carrierOf(ctx: Context): TraceCarrier | undefined {
  const out: Record<string, string> = {};
  propagation.inject(ctx, out);
  return out.traceparent ? { traceparent: out.traceparent, ...(out.tracestate ? { tracestate: out.tracestate } : {}) } : undefined;
}

/** The context a carrier names (the root context when it names none). */
export function contextOf(carrier: TraceCarrier | undefined): Context {
  return carrier?.traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** The span context a carrier names, for a span link; undefined when it names none. */
export function spanContextOf(carrier: TraceCarrier | undefined): SpanContext | undefined {
  return carrier?.traceparent ? trace.getSpanContext(contextOf(carrier)) : undefined;
}
