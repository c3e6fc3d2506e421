import { startTracing } from '@calm/platform/tracing';

/** Imported first by main.ts: OpenTelemetry must patch http, pg and pino before they load. */
export const flushTraces = startTracing('accounts');
