import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './docs';
import { JsonHttpClient } from './http-client';
import { BenchDatabase, BenchNats, benchDatabase, machine, sleep, snapshot, startNats, withPg } from './infra';
import { RssSampler, ServiceProcess } from './service-process';
import type { TracingCost, TracingVariant } from './tracing-cost-doc';

/**
 * What tracing costs the services: CPU per POST /accounts and CPU per customer.created
 * applied by the account service, with tracing off and with tracing on (exporting every
 * span over OTLP/HTTP to a local receiver that discards it), measured in the SAME run.
 * Each variant is a system of its own (nats-server, two databases, both services); the
 * rounds alternate off, on, off, on, so that a shared machine's load falls on both alike,
 * and the figure is the service's own CPU (/proc) per operation, not a rate.
 * Writes bench/results/tracing-cost.json; `npm run bench:docs` renders it into docs/performance.md.
 * Usage: node dist/bench/src/tracing-cost.main.js [--rounds N] [--ops N]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('rounds', 3);
const OPS = arg('ops', 1000);
const IN_FLIGHT = 8;

interface System {
  variant: TracingVariant;
  nats: BenchNats;
  dbs: BenchDatabase[];
  accounts: ServiceProcess;
  customers: ServiceProcess;
}

/** An OTLP/HTTP endpoint on loopback that answers every export and keeps nothing: the exporter's whole cost, no collector's. */
async function discardingReceiver(): Promise<{ endpoint: string; stop: () => void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, stop: () => server.close() };
}

async function startSystem(variant: TracingVariant, rss: RssSampler, logDir: string, tracing: Record<string, string>): Promise<System> {
  const [nats, accountsDb, customersDb] = await Promise.all([startNats(), benchDatabase(`trace_${variant}_acc`), benchDatabase(`trace_${variant}_cus`)]);
  const env = variant === 'on' ? tracing : {};
  const spec = (name: 'accounts' | 'customers', db: BenchDatabase) =>
    new ServiceProcess({ name, databaseUrl: db.url, natsUrl: nats.url, logFile: join(logDir, `${variant}-${name}.log`), env }, rss);
  const [accounts, customers] = [spec('accounts', accountsDb), spec('customers', customersDb)];
  await Promise.all([accounts.start(), customers.start()]);
  return { variant, nats, dbs: [accountsDb, customersDb], accounts, customers };
}

/** Runs `op` for 0..n-1, `IN_FLIGHT` at a time; every answer must be 201. */
async function drive(n: number, op: (i: number) => Promise<{ status: number }>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const { status } = await op(i);
      if (status !== 201) throw new Error(`operation ${i} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** One round on one system: OPS accounts opened (pending), then their OPS customers created; the account service's CPU for each. */
async function round(s: System): Promise<{ post: number; event: number }> {
  const customerIds = Array.from({ length: OPS }, () => randomUUID());
  const [accounts, customers] = [new JsonHttpClient(s.accounts.url, IN_FLIGHT), new JsonHttpClient(s.customers.url, IN_FLIGHT)];
  try {
    const beforePosts = s.accounts.cpuMs();
    await drive(OPS, (i) => accounts.post('/accounts', { customerId: customerIds[i] }));
    const post = (s.accounts.cpuMs() - beforePosts) / OPS;
    const beforeEvents = s.accounts.cpuMs();
    await drive(OPS, (i) => customers.post('/customers', { customerId: customerIds[i], name: `T${i}`, email: `t${i}@example.com` }));
    await untilValid(s, customerIds);
    return { post, event: (s.accounts.cpuMs() - beforeEvents) / OPS };
  } finally {
    accounts.close();
    customers.close();
  }
}

async function untilValid(s: System, customerIds: string[]): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [{ n }] = (
      await withPg(s.dbs[0].url, (c) =>
        c.query<{ n: number }>(`SELECT count(*)::int AS n FROM account WHERE status = 'valid' AND customer_id = ANY($1::uuid[])`, [customerIds]),
      )
    ).rows;
    if (n === customerIds.length) return;
    if (Date.now() > deadline) throw new Error(`tracing ${s.variant}: ${n} of ${customerIds.length} accounts valid after 300 s`);
    await sleep(50);
  }
}

async function main(): Promise<void> {
  const started = snapshot();
  const logDir = mkdtempSync(join(tmpdir(), 'calm-bench-tracing-'));
  process.stdout.write(`services' logs in ${logDir}\n`);
  const receiver = await discardingReceiver();
  const tracing = {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  const rss = new RssSampler();
  const systems: System[] = [];
  const figures: TracingCost['variants'] = { off: { cpu_ms_per_post: [], cpu_ms_per_event: [] }, on: { cpu_ms_per_post: [], cpu_ms_per_event: [] } };
  try {
    systems.push(await startSystem('off', rss, logDir, tracing), await startSystem('on', rss, logDir, tracing));
    // A warm-up round each (JIT, pools, prepared statements), not counted.
    for (const s of systems) await round(s);
    for (let r = 0; r < ROUNDS; r++)
      for (const s of r % 2 === 0 ? systems : [...systems].reverse()) {
        const { post, event } = await round(s);
        figures[s.variant].cpu_ms_per_post.push(Math.round(post * 1000) / 1000);
        figures[s.variant].cpu_ms_per_event.push(Math.round(event * 1000) / 1000);
        process.stdout.write(`round ${r + 1} tracing ${s.variant}: ${post.toFixed(3)} ms CPU per POST, ${event.toFixed(3)} ms CPU per event\n`);
      }
  } finally {
    for (const s of systems) {
      await Promise.all([s.accounts.stop(), s.customers.stop()]);
      await Promise.all([...s.dbs.map((d) => d.drop()), s.nats.stop()]);
    }
    rss.stop();
    receiver.stop();
  }
  const result: TracingCost = {
    context: {
      ...machine(),
      started_at: started.at,
      loadavg_before: started.loadavg,
      loadavg_after: snapshot().loadavg,
      commit: commit(),
      rounds: ROUNDS,
      operations_per_round: OPS,
      in_flight: IN_FLIGHT,
      exporter: 'OTLP/HTTP JSON to a local receiver that discards the spans',
    },
    variants: figures,
  };
  const file = join(repoRoot, 'bench', 'results', 'tracing-cost.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`wrote ${file}\n`);
}

function commit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
