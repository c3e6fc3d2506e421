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
];
export default controls;
