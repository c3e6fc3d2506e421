/**
 * Whether a process exports traces: only when an exporter or an endpoint is named by the
 * standard OpenTelemetry variables (OTEL_TRACES_EXPORTER other than `none`,
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). Otherwise the SDK is
 * never loaded, and the code's @opentelemetry/api calls are the API's no-ops.
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (exporters.length) return !exporters.every((e) => e === 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}
