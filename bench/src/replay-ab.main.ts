import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { Client } from 'pg';
import { Database } from '@calm/pg';
import { REPLAY_NODE_FLAGS } from '@calm/config';
import { accountsMigrations } from '../../migrations/accounts';
import { seedHistory } from '../../apps/replay/src';
import { benchDatabase, procCpuMs, snapshot, startNats } from './infra';

/**
 * `node dist/bench/src/replay-ab.main.js --variant A=<root> --variant B=<root> [--events 150000] [--rounds 3] [--out runs.jsonl]`:
 * seeds ONE history (seed-history.ts, the bench's mix) into a private nats-server and a
 * fresh migrated accounts database, then runs `replay rebuild accounts --json --force`
 * of each variant in turns (A1 B1 A2 B2 ...), each `<root>/dist/apps/replay/src/main.js`
 * (a checkout built at the commit to compare). `--env B:NAME=value` sets a variable for
 * one variant's runs. Each run is one JSON line: the CLI's own figures, the CPU time
 * of the CLI (user + system; whole, and after its modules loaded: cpu-after-load.ts), of the private nats-server and of
 * the database's PostgreSQL backends (polled every 20 ms from /proc), and the load
 * average: on a shared machine the CPU figures are the ones to compare.
 */
const opts = new Command()
  .name('replay-ab')
  .option('--variant <name=root>', 'a variant: its name and the root holding its dist/ (repeatable)', (v, acc: string[]) => [...acc, v], [])
  .option('--env <name:VAR=value>', 'an environment variable for one variant (repeatable)', (v, acc: string[]) => [...acc, v], [])
  .option('--events <n>', 'events in the history', Number, 150_000)
  .option('--accounts-per-customer <k>', 'accounts per customer (3.4: the bench mix)', Number, 3.4)
  .option('--rounds <n>', 'runs of each variant', Number, 3)
  .option('--warmup', 'one untimed run of the first variant first')
  .option('--out <file>', 'JSON lines appended here (default: stdout only)')
  .parse(process.argv)
  .opts<{ variant: string[]; env: string[]; events: number; accountsPerCustomer: number; rounds: number; warmup?: boolean; out?: string }>();

interface Variant {
  name: string;
  script: string;
  env: Record<string, string>;
}

function variants(): Variant[] {
  const list = opts.variant.map((v) => {
    const [name, root] = v.split(/=(.*)/s);
    const script = join(resolve(root), 'dist', 'apps', 'replay', 'src', 'main.js');
    if (!existsSync(script)) throw new Error(`${script} does not exist (build that root first)`);
    return { name, script, env: {} as Record<string, string> };
  });
  for (const e of opts.env) {
    const m = /^([^:]+):([^=]+)=(.*)$/s.exec(e);
    const v = m && list.find((x) => x.name === m[1]);
    if (!m || !v) throw new Error(`--env ${e}: expected <variant>:<VAR>=<value> of a named variant`);
    v.env[m[2]] = m[3];
  }
  if (list.length === 0) throw new Error('name at least one --variant');
  return list;
}

/** Polls the CPU of every backend of `database` until stopped; sums the last value seen of each. */
function watchBackends(admin: Client, database: string): { stop(): Promise<number> } {
  const seen = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      for (const { pid } of rows) {
        const ms = procCpuMs(pid);
        if (ms > 0) seen.set(pid, ms);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
  };
}

/** One rebuild under /usr/bin/time (the CLI's CPU and peak RSS as the kernel counts them). */
async function rebuild(
  v: Variant,
  env: Record<string, string>,
): Promise<{ doc: Record<string, unknown>; cliCpuMs: number; afterLoadMs: number; wallMs: number }> {
  const started = Date.now();
  const preload = join(__dirname, 'cpu-after-load.js');
  const args = ['-f', 'CPU %U %S', process.execPath, '-r', preload, ...REPLAY_NODE_FLAGS, v.script, 'rebuild', 'accounts', '--json', '--force'];
  const { code, out, err } = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
    const child = spawn('/usr/bin/time', args, { env: { ...process.env, ...env, ...v.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    let e = '';
    child.stdout.on('data', (d) => (o += d));
    child.stderr.on('data', (d) => (e += d));
    child.on('exit', (c) => done({ code: c, out: o, err: e }));
  });
  if (code !== 0) throw new Error(`${v.name}: rebuild exited with ${code}: ${err.slice(-500)}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(err);
  const line = out.trim().split('\n').pop() ?? '{}';
  const afterLoad = /CPU-AFTER-LOAD (\d+)/.exec(err);
  return {
    doc: JSON.parse(line) as Record<string, unknown>,
    cliCpuMs: cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 1000) : -1,
    afterLoadMs: afterLoad ? Number(afterLoad[1]) : -1,
    wallMs: Date.now() - started,
  };
}

async function main(): Promise<void> {
  const list = variants();
  const [nats, db] = await Promise.all([startNats(), benchDatabase('replayab')]);
  const admin = new Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
  try {
    const migrated = new Database({ name: 'replay-ab', url: db.url, migrations: accountsMigrations });
    await migrated.ready;
    await migrated.close();
    await admin.connect();
    const seeded = await seedHistory({ servers: [nats.url], events: opts.events, accountsPerCustomer: opts.accountsPerCustomer });
    process.stderr.write(`[replay-ab] seeded ${seeded.published} events in ${seeded.seconds} s\n`);
    const env = { NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: db.url, CUSTOMERS_DATABASE_URL: db.url.replace(/\/[^/]*$/, '/calm_replay_ab_no_customers') };
    if (opts.warmup) await rebuild(list[0], env);
    const natsPid = nats.process.pid ?? 0;
    for (let round = 1; round <= opts.rounds; round++) {
      for (const v of list) {
        const before = snapshot();
        const natsBefore = procCpuMs(natsPid);
        const backends = watchBackends(admin, db.name);
        const r = await rebuild(v, env);
        const pgCpuMs = await backends.stop();
        const d = r.doc as { eventsPerSecond: number; seconds: number; peakRssMb: number; phases: Record<string, number>; rows: unknown };
        const line = {
          run: `${v.name}${round}`,
          eventsPerSecond: d.eventsPerSecond,
          seconds: d.seconds,
          phases: d.phases,
          peakRssMb: d.peakRssMb,
          rows: d.rows,
          cpu_ms: { cli: r.cliCpuMs, cli_after_load: r.afterLoadMs, nats_server: procCpuMs(natsPid) - natsBefore, postgres_backends: pgCpuMs },
          wall_ms: r.wallMs,
          loadavg_before: before.loadavg,
          loadavg_after: snapshot().loadavg,
          at: before.at,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
        if (opts.out) appendFileSync(opts.out, `${JSON.stringify(line)}\n`);
      }
    }
  } finally {
    await admin.end().catch(() => undefined);
    await nats.stop();
    await db.drop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`replay-ab failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
