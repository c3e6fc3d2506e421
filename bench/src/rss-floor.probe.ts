import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@calm/config';
import { benchDatabase, machine, sleep, snapshot, startNats } from './infra';
import { round1, writeJson } from './report';
import { runLoad } from './rest-open.bench';
import { RssKinds, rssKinds } from './rss-kinds';
import { RssSampler, ServiceProcess } from './service-process';
import { gitCommit } from './git-commit';

/**
 * `node dist/bench/src/rss-floor.probe.js [--load-seconds 15] [--out file]`: what a
 * service's resident set is made of, beside the floors under it, each with the services'
 * node flags (SERVICE_NODE_FLAGS, then BENCH_SERVICE_NODE_FLAGS if set):
 *
 * - an empty node process (a timer, nothing loaded);
 * - a Nest + Fastify hello world (nest-hello.main.ts: one route, 200 requests);
 * - each service idle, 8 s after it answers ready;
 * - the customer service's largest RSS under POST /customers at saturation (10
 *   connections; the full bench measures the account service's own).
 *
 * Every figure is VmRSS split by kind (rss-kinds.ts); for the idle services also V8's heap
 * by space, read from their /metrics. Writes bench/results/rss-floor.json.
 */
const SETTLE_MS = 8_000;
const args = process.argv.slice(2);
const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const out = arg('--out') ?? join(__dirname, '..', '..', '..', 'bench', 'results', 'rss-floor.json');
const loadSeconds = Number(arg('--load-seconds') ?? 15);
const flags = [...SERVICE_NODE_FLAGS, ...(process.env.BENCH_SERVICE_NODE_FLAGS ?? '').split(' ').filter(Boolean)];

/** A node process given `args` after the flags, measured once it has settled, then killed. */
async function settled(nodeArgs: string[], readyLine?: string): Promise<RssKinds | null> {
  const child: ChildProcess = spawn(process.execPath, [...flags, ...nodeArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (readyLine) {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => b.toString().includes(readyLine) && resolve());
      child.once('exit', (code) => reject(new Error(`exited with ${code} before ${readyLine}`)));
    });
  }
  await sleep(SETTLE_MS);
  const kinds = rssKinds(child.pid!);
  child.kill('SIGKILL');
  return kinds;
}

/** V8's heap by space (committed and used, MB; empty spaces left out) and its external memory, from the service's own /metrics (prom-client's default metrics). */
async function heapOf(url: string): Promise<{ spaces: Record<string, { total: number; used: number }>; external?: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const spaces: Record<string, { total: number; used: number }> = {};
  for (const m of text.matchAll(/^nodejs_heap_space_size_(total|used)_bytes\{space="(\w+)"[^}]*\} (\d+)/gm)) {
    spaces[m[2]] ??= { total: 0, used: 0 };
    spaces[m[2]][m[1] as 'total' | 'used'] = round1(Number(m[3]) / 1048576)!;
  }
  for (const [space, v] of Object.entries(spaces)) if (v.total === 0 && v.used === 0) delete spaces[space];
  const external = /^nodejs_external_memory_bytes(?:\{[^}]*\})? (\d+)/m.exec(text);
  return { spaces, external: external ? round1(Number(external[1]) / 1048576)! : undefined };
}

async function main(): Promise<void> {
  const before = snapshot();
  const logDir = mkdtempSync(join(tmpdir(), 'calm-rss-floor-'));
  const empty = await settled(['-e', 'setInterval(() => {}, 1000)']);
  const hello = await settled([join(__dirname, 'nest-hello.main.js')], 'hello ready');
  const nats = await startNats();
  const dbs = await Promise.all([benchDatabase('accounts'), benchDatabase('customers')]);
  const idle: Record<string, RssKinds | null> = {};
  const idleHeap: Record<string, unknown> = {};
  let underLoad: { rss_mb_max: number | null; kinds: RssKinds | null; posts_per_s: number } | null = null;
  try {
    for (const [i, name] of (['accounts', 'customers'] as const).entries()) {
      const rss = new RssSampler();
      const svc = new ServiceProcess({ name, databaseUrl: dbs[i].url, natsUrl: nats.url, logFile: join(logDir, `${name}.log`) }, rss);
      await svc.start();
      try {
        await sleep(SETTLE_MS);
        idle[name] = rssKinds(svc.child!.pid!);
        idleHeap[name] = await heapOf(svc.url);
        if (name === 'customers') {
          const load = await runLoad({ url: svc.url, connections: 10, durationS: loadSeconds, resource: 'customers' });
          rss.stop();
          underLoad = { rss_mb_max: rss.maxMb(), kinds: rss.kindsAtPeak().customers, posts_per_s: round1(load.okPerS)! };
        }
      } finally {
        rss.stop();
        await svc.stop();
      }
    }
  } finally {
    await nats.stop();
    await Promise.all(dbs.map((d) => d.drop()));
  }
  const after = snapshot();
  const doc = {
    node_flags: flags,
    empty_node: empty,
    nest_fastify_hello: hello,
    idle,
    idle_heap_mb: idleHeap,
    customers_under_load: underLoad,
    context: {
      ...machine(),
      commit: gitCommit(),
      loadavg_before: before.loadavg,
      loadavg_after: after.loadavg,
      started_at: before.at,
      load_seconds: loadSeconds,
    },
  };
  writeJson(out, doc);
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n(written to ${out})\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`rss-floor failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
