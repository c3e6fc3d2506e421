import type { Control } from './control';

const controls: Control[] = [
  {
    name: 'tracing-always-on',
    breaks: 'the OpenTelemetry SDK is loaded even when no exporter or endpoint is set',
    patches: [
      {
        file: 'libs/platform/src/tracing/start-tracing.ts',
        find: 'if (!tracingWanted(env)) return undefined;',
        replace: 'if (!tracingWanted(env)) env = { ...env, OTEL_TRACES_EXPORTER: "none" };',
      },
    ],
    tests: ['test/e2e/tracing-startup.e2e-spec.ts'],
    testNamePattern: 'loads no SDK module',
  },
];
export default controls;
