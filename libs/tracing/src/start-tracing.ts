import { markTracingStarted } from './tracing-state';
import { tracingWanted } from './tracing-wanted';

/**
 * Starts OpenTelemetry for a service when its environment asks for it (tracing-wanted.ts).
 * Called first in a service's main.ts, before Nest, pg or pino are loaded, so that the
 * instrumentations can patch them. The SDK module is required only then: a service with
 * tracing off loads none of it. Returns the SDK's shutdown (flushes the spans), or undefined.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): (() => Promise<void>) | undefined {
  if (!tracingWanted(env)) return undefined;
  const { startNodeSdk } = require('./node-sdk') as typeof import('./node-sdk');
  const shutdown = startNodeSdk(service, env);
  markTracingStarted();
  return shutdown;
}
