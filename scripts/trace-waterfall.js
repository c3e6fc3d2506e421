#!/usr/bin/env node
// Prints one trace as a text waterfall, from the spans the trace test collects
// (CALM_TRACE_DUMP=<file> npx jest test/e2e/traces.e2e-spec.ts writes { traceId, spans: [{ service,
// traceId, spanId, parentSpanId, name, startMs, endMs, attributes, links }] }):
// usage `node scripts/trace-waterfall.js <file> [traceId]`. Spans of other
// traces that link into this one (a consumer's batch span), or that its spans link to
// (the other fact of the join), are shown too, marked "link".
const { readFileSync } = require('node:fs');

const [file, chosen] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node scripts/trace-waterfall.js <spans.json> [traceId]\n');
  process.exit(2);
}
const dump = JSON.parse(readFileSync(file, 'utf8'));
const traceId = chosen ?? dump.traceId;
const all = dump.spans;
// The spans this trace's spans link to (the other fact of a join: the POST that opened the account).
const linkedTo = new Set(all.filter((s) => s.traceId === traceId).flatMap((s) => s.links.map((l) => l.spanId)));
const spans = all.filter((s) => s.traceId === traceId || s.links.some((l) => l.traceId === traceId) || linkedTo.has(s.spanId));
if (spans.length === 0) {
  process.stderr.write(`no span of trace ${traceId} in ${file}\n`);
  process.exit(1);
}
const byId = new Map(spans.map((s) => [s.spanId, s]));
const depth = (s) => (s.traceId !== traceId ? 1 : byId.has(s.parentSpanId) ? 1 + depth(byId.get(s.parentSpanId)) : 0);
const t0 = Math.min(...spans.map((s) => s.startMs));
const t1 = Math.max(...spans.map((s) => s.endMs));
const WIDTH = 48;
const scale = WIDTH / Math.max(1, t1 - t0);
const KEYS = ['calm.join.path', 'calm.convergence_ms', 'messaging.message.id', 'url.path'];
const lines = [`trace ${traceId}: ${t1 - t0} ms, ${spans.length} spans`];
for (const s of [...spans].sort((a, b) => a.startMs - b.startMs || depth(a) - depth(b))) {
  const from = Math.floor((s.startMs - t0) * scale);
  const len = Math.max(1, Math.round((s.endMs - s.startMs) * scale));
  const bar = ' '.repeat(from) + '#'.repeat(Math.min(len, WIDTH - from)).padEnd(WIDTH - from);
  const label = `${'  '.repeat(depth(s))}${s.traceId !== traceId ? '(link) ' : ''}${s.service.replace('calm-', '')}: ${s.name}`;
  const extra = KEYS.filter((k) => s.attributes[k] !== undefined).map((k) => `${k}=${s.attributes[k]}`);
  lines.push(`${label.padEnd(44).slice(0, 44)} |${bar}| ${String(s.endMs - s.startMs).padStart(4)} ms ${extra.join(' ')}`.trimEnd());
}
process.stdout.write(lines.join('\n') + '\n');
