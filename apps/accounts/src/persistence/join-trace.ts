import { SpanKind, context, trace } from '@opentelemetry/api';
import { tracingStarted, TraceCarrier, carrierOf, contextOf, spanContextOf } from '@calm/tracing';

/** What a join span needs of the fact that completed an account's join. */
export interface CompletingFact {
  type: 'customer.created' | 'customer.sealed' | 'account.opened';
  time: string;
  trace?: TraceCarrier;
}

/** Which path of the join completed it: the account's opening, or the customer's fact. */
const JOIN_PATH = { 'account.opened': 'account-opened', 'customer.created': 'customer-created', 'customer.sealed': 'customer-sealed' } as const;

/**
 * The span of one account's convergence, "converge account": from the first of its two
 * facts (`firstFactAt`) to the outcome (`now`), in the trace of the fact that completed the
 * join (its parent), linked to the span that applied it (the consumer's batch, or the POST)
 * and to the other fact's context (`other`: the account's opening, or its customer's fact).
 * Its context is what the outcome event (account.validated / account.rejected) carries, so
 * the event's consumers continue this trace, and "why was this account pending so long" is
 * the duration of one span. Undefined with tracing off.
 */
export function convergenceSpan(
  account: { accountId: string; customerId: string; status: string; firstFactAt: Date },
  fact: CompletingFact,
  now: Date,
  other?: TraceCarrier,
): TraceCarrier | undefined {
  if (!tracingStarted()) return undefined;
  const applying = trace.getActiveSpan()?.spanContext();
  const start = Math.min(account.firstFactAt.getTime(), now.getTime());
  const span = trace.getTracer('calm-accounts.join').startSpan(
    'converge account',
    {
      kind: SpanKind.INTERNAL,
      startTime: start,
      links: [applying, spanContextOf(other)].filter((c) => c !== undefined).map((c) => ({ context: c })),
      attributes: {
        'calm.account.id': account.accountId,
        'calm.customer.id': account.customerId,
        'calm.join.path': JOIN_PATH[fact.type],
        'calm.join.outcome': account.status,
        'calm.convergence_ms': now.getTime() - start,
      },
    },
    fact.trace ? contextOf(fact.trace) : context.active(),
  );
  span.end(now);
  return carrierOf(trace.setSpan(context.active(), span));
}
