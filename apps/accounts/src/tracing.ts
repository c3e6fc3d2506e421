import { startTracing } from '@calm/tracing';

/** Imported first by main.ts: OpenTelemetry must patch http, pg and pino before they load. */
export const flushTraces = startTracing('accounts');
