import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tracingWanted } from '@calm/tracing';

const root = join(__dirname, '..', '..');
/** Built code (the controls runner builds a scratch copy for a test that names dist/apps/). */
const tracingEntry = join(root, 'dist/apps/accounts/src/tracing.js');
const platformEntry = join(root, 'dist/libs/nest-platform/src/index.js');

/**
 * Loads a built service's tracing entry (the first module its main.ts imports) in a fresh
 * Node process with `env`, then the platform library (Nest, pg, pino), and answers the
 * OpenTelemetry SDK modules that were loaded.
 */
function sdkModulesLoaded(env: Record<string, string>): string[] {
  const script = `
    const flush = require(${JSON.stringify(tracingEntry)}).flushTraces;
    require(${JSON.stringify(platformEntry)});
    const loaded = Object.keys(require.cache).filter((k) => /@opentelemetry[\\\\/](sdk-|instrumentation)/.test(k));
    console.log(JSON.stringify(loaded.map((k) => k.replace(/^.*node_modules[\\\\/]/, ''))));
    if (flush) flush().then(() => process.exit(0));`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_'))) as Record<string, string>;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...clean, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', ...env },
  });
  return JSON.parse(out.toString().trim().split('\n').pop()!) as string[];
}

describe('tracing at start', () => {
  it('loads no SDK module when no exporter or endpoint is set (the default)', () => {
    expect(sdkModulesLoaded({})).toEqual([]);
    expect(sdkModulesLoaded({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
  });

  it('starts the SDK with the http, pg and pino instrumentations when an exporter is set', () => {
    const loaded = sdkModulesLoaded({ OTEL_TRACES_EXPORTER: 'console' });
    for (const m of ['sdk-node', 'instrumentation-http', 'instrumentation-pg', 'instrumentation-pino'])
      expect(loaded.join(' ')).toContain(`@opentelemetry/${m}`);
  });

  it('is on for an exporter other than none or an OTLP endpoint, off otherwise', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: ' none ' })).toBe(false);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'none,console' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
  });
});
