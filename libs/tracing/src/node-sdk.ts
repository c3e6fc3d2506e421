import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';

/**
 * The OpenTelemetry Node SDK with the instrumentations this project uses: HTTP (Fastify
 * serves through node:http), pg, and pino (trace_id and span_id in every log line written
 * inside a span; log records are not sent, the lines stay the log). Everything else
 * (exporter, protocol, endpoint, sampler, resource) comes from the standard OTEL_*
 * variables, read by the SDK itself. Only start-tracing.ts requires this module.
 */
export function startNodeSdk(service: string, env: NodeJS.ProcessEnv): () => Promise<void> {
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || `calm-${service}`,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)\b/.test(req.url ?? '') }),
      // Queries outside a request or a message (pollers, sweeps) make no traces of their own.
      new PgInstrumentation({ requireParentSpan: true }),
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
