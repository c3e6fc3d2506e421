import { headers, type NatsConnection } from '@nats-io/transport-node';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { RESOLVE_SUBJECT, ResolveDecision, describeIssues, resolveReply } from '@calm/contracts';
import { carrierOf, messagingTracer, tracingStarted } from '@calm/tracing';

/** The owner's decision about a customer id, or why there is none this time. */
export type OwnerAnswer = { decided: true; decision: ResolveDecision } | { decided: false; reason: string };

/**
 * Asks the customer service (customers.resolve) what became of a customer id. Anything
 * but a well-formed decision for that very id (no responder, a timeout, an error answer,
 * garbage) is `decided: false`: the shell stays pending and is asked about again on a
 * later sweep. The account service never turns silence into "this customer does not
 * exist": only the owner can make that decision (docs/shells.md).
 */
export async function askOwner(nc: NatsConnection, customerId: string, timeoutMs: number): Promise<OwnerAnswer> {
  if (!tracingStarted()) return ask(nc, customerId, timeoutMs);
  // The question as a producer span; its context travels in the request's NATS headers, and
  // the owner's resolve span links to it (apps/customers/src/resolve-customer/resolve-span.ts).
  const span = messagingTracer().startSpan(`send ${RESOLVE_SUBJECT}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': RESOLVE_SUBJECT,
      'calm.customer.id': customerId,
    },
  });
  const h = headers();
  for (const [k, v] of Object.entries(carrierOf(trace.setSpan(context.active(), span)) ?? {})) h.set(k, v);
  try {
    const answer = await ask(nc, customerId, timeoutMs, h);
    span.setAttribute('calm.resolve.decided', answer.decided);
    return answer;
  } finally {
    span.end();
  }
}

async function ask(nc: NatsConnection, customerId: string, timeoutMs: number, h?: ReturnType<typeof headers>): Promise<OwnerAnswer> {
  let msg: Awaited<ReturnType<NatsConnection['request']>>;
  try {
    msg = await nc.request(RESOLVE_SUBJECT, JSON.stringify({ customerId }), { timeout: timeoutMs, ...(h ? { headers: h } : {}) });
  } catch (err) {
    return { decided: false, reason: `no answer from ${RESOLVE_SUBJECT}: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = msg.json();
  } catch {
    return { decided: false, reason: 'malformed answer: not JSON' };
  }
  const reply = resolveReply.safeParse(raw);
  if (!reply.success) return { decided: false, reason: `malformed answer: ${describeIssues(reply.error)}` };
  if ('error' in reply.data) return { decided: false, reason: `the owner answered an error: ${reply.data.error}` };
  if (reply.data.customerId !== customerId) return { decided: false, reason: `the owner answered about ${reply.data.customerId}` };
  return { decided: true, decision: reply.data };
}
