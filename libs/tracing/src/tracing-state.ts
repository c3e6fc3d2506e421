let started = false;

/** True once this process started the OpenTelemetry SDK: code that would build span links or attributes asks first. */
export const tracingStarted = (): boolean => started;

/** Called by start-tracing.ts when the SDK has started. */
export function markTracingStarted(): void {
  started = true;
}
