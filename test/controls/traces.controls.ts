import type { Control } from './control';

const controls: Control[] = [
  {
    name: 'tracing-always-on',
    breaks: 'the OpenTelemetry SDK is loaded even when no exporter or endpoint is set',
    patches: [
      {
        file: 'libs/tracing/src/start-tracing.ts',
        find: 'if (!tracingWanted(env)) return undefined;',
        replace: 'if (!tracingWanted(env)) env = { ...env, OTEL_TRACES_EXPORTER: "none" };',
      },
    ],
    tests: ['test/e2e/tracing-startup.e2e-spec.ts'],
    testNamePattern: 'loads no SDK module',
  },
  {
    name: 'relay-drops-trace-context',
    breaks: 'the relay publishes an outbox row without its traceparent (no NATS header, no CloudEvents extension attribute)',
    patches: [
      {
        file: 'libs/outbox/src/traced-publish.ts',
        find: 'return { subject: r.subject, data: JSON.stringify({ ...r.payload, ...sent }), msgID: r.event_id, stream, headers: sent as Record<string, string> };',
        replace: 'return { subject: r.subject, data: JSON.stringify(r.payload), msgID: r.event_id, stream };',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
  },
  {
    name: 'join-span-outside-fact-trace',
    breaks: "the account's convergence span (and so its outcome event) is not in the trace of the fact that completed the join",
    patches: [
      {
        file: 'apps/accounts/src/persistence/join-trace.ts',
        find: '    fact.trace ? contextOf(fact.trace) : context.active(),',
        replace: '    context.active(),',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
  },
  {
    name: 'open-accounts-drops-trace-context',
    breaks: "the account path's outbox rows (account.opened and its outcome) are written without the POST's trace context",
    patches: [
      {
        file: 'apps/accounts/src/persistence/open-accounts-batch.sql.ts',
        find: "  ['text', (m) => m.trace?.traceparent ?? null],",
        replace: "  ['text', () => null],",
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
    testNamePattern: 'customer first',
  },
  {
    name: 'consumer-span-without-delivery-count',
    breaks: "the consumer span's link to a message does not say which delivery it is (a redelivery looks like a first delivery)",
    patches: [
      {
        file: 'libs/jetstream/src/transport/consumer-span.ts',
        find: '[DELIVERY_COUNT]: m.info.deliveryCount,',
        replace: '',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
    testNamePattern: 'across a re',
  },
  {
    name: 'join-span-without-other-fact',
    breaks: "the convergence span links only to the span that applied the completing fact, not to the other fact's context",
    patches: [
      {
        file: 'apps/accounts/src/persistence/join-trace.ts',
        find: '[applying, spanContextOf(other)]',
        replace: '[applying]',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
  },
  {
    name: 'replica-keeps-no-trace',
    breaks: "the customer replica rows do not keep their fact's trace context, so an account path that completes the join cannot link to it",
    patches: [
      {
        file: 'apps/accounts/src/persistence/customer-facts.sql.ts',
        find: '...(traced ? replicaTracesSql(batch) : {}),',
        replace: '',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
    testNamePattern: 'customer first',
  },
  {
    name: 'account-convergence-from-opening',
    breaks: "the account path's convergence span starts at the account's opening even when the customer's fact came first",
    patches: [
      {
        file: 'apps/accounts/src/persistence/account.store.ts',
        find: 'customer?.time.getTime() ?? Infinity',
        replace: 'Infinity',
      },
    ],
    tests: ['test/e2e/traces.e2e-spec.ts'],
    testNamePattern: 'customer first',
  },
  {
    name: 'republish-drops-trace-context',
    breaks: '`replay outbox republish` publishes a row without its stored trace context in the NATS headers',
    patches: [
      {
        file: 'apps/replay/src/commands/outbox-republish.command.ts',
        find: 'for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);',
        replace: '',
      },
    ],
    tests: ['apps/replay/src/replay-cli.int-spec.ts'],
    testNamePattern: 'outbox republish',
  },
  {
    name: 'redrive-without-span',
    breaks: "the outbox audit re-drives lost rows without a span linked to the rows' stored trace contexts",
    patches: [{ file: 'libs/outbox/src/outbox-audit.ts', find: '        redriveSpan(stream, missing);\n', replace: '' }],
    tests: ['libs/outbox/src/outbox-audit.int-spec.ts'],
    testNamePattern: 'trace it was written in',
  },
  {
    name: 'redrive-forgets-trace-context',
    breaks: 'a row the outbox audit puts back loses its stored trace context, so the relay publishes it outside its trace',
    patches: [
      {
        file: 'libs/outbox/src/outbox-audit.ts',
        find: 'SET published_at = NULL, stream = NULL, stream_seq = NULL WHERE',
        replace: 'SET published_at = NULL, stream = NULL, stream_seq = NULL, traceparent = NULL WHERE',
      },
    ],
    tests: ['libs/outbox/src/outbox-audit.int-spec.ts'],
    testNamePattern: 'trace it was written in',
  },
  {
    name: 'requeue-without-decision-trace',
    breaks:
      'a decision customers.resolve announces again after the retention deleted its outbox row is written without the context the customer row keeps, so it is published outside the trace of the POST that made it',
    patches: [
      {
        file: 'apps/customers/src/persistence/customer.store.ts',
        find: '[{ ...decisionEvent(decision), trace: await decisionTrace(m, customerId) }]',
        replace: '[decisionEvent(decision)]',
      },
    ],
    tests: ['apps/customers/src/resolve-customer/resolve-customer.int-spec.ts'],
    testNamePattern: 'trace of its POST',
  },
  {
    name: 'customer-row-keeps-no-trace',
    breaks: 'the customer row does not keep the trace context of the work that decided it, so its decision announced again is published outside that trace',
    patches: [
      {
        file: 'apps/customers/src/persistence/decision-trace.sql.ts',
        find: 'return trace ? [traced, [...params, trace.traceparent, trace.tracestate ?? null]] : [plain, params];',
        replace: 'return [plain, params];',
      },
    ],
    tests: ['apps/customers/src/resolve-customer/resolve-customer.int-spec.ts'],
    testNamePattern: 'resolve sealed',
  },
  {
    name: 'resolve-span-without-asker-link',
    breaks: "the owner's customers.resolve span does not link to the asker's context carried in the request's NATS headers",
    patches: [
      {
        file: 'apps/customers/src/resolve-customer/resolve-span.ts',
        find: 'links: asker ? [{ context: asker }] : [],',
        replace: 'links: [],',
      },
    ],
    tests: ['apps/customers/src/resolve-customer/resolve-customer.int-spec.ts'],
    testNamePattern: 'linked to its asker',
  },
  {
    name: 'ask-owner-without-trace-headers',
    breaks:
      "the account service asks customers.resolve without its span's context in the request's NATS headers, so the owner's resolve span cannot link to the question",
    patches: [
      {
        file: 'apps/accounts/src/resolve-shells/ask-owner.ts',
        find: '{ timeout: timeoutMs, ...(h ? { headers: h } : {}) }',
        replace: '{ timeout: timeoutMs }',
      },
    ],
    tests: ['apps/customers/src/resolve-customer/resolve-customer.int-spec.ts'],
    testNamePattern: 'linked to its asker',
  },
  {
    name: 'customer-row-trace-written-untraced',
    breaks: "a customer's decision is written with the trace columns (null) even with tracing off: another statement, more parameters, on POST /customers",
    patches: [
      {
        file: 'apps/customers/src/persistence/decision-trace.sql.ts',
        find: 'return trace ? [traced, [...params, trace.traceparent, trace.tracestate ?? null]] : [plain, params];',
        replace: 'return [traced, [...params, trace?.traceparent ?? null, trace?.tracestate ?? null]];',
      },
    ],
    tests: ['apps/customers/src/persistence/decision-trace.sql.spec.ts'],
  },
];
export default controls;
