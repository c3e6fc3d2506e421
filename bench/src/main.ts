import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { convergencePhase, noConvergence } from './convergence-phase';
import { writeStageBreakdown } from './convergence-stages';
import { databaseActivity, eventsRound } from './events.bench';
import { benchDatabase, machine, pgServerUrl, snapshot, startNats, withPg } from './infra';
import { rawPublishPerS } from './jetstream-publish.bench';
import { prepareRawTables, rawPgTxn, rawPgTxnAtRate } from './raw-pg.bench';
import { rawPgBatchPerS } from './raw-pg-batch.bench';
import { replayRebuild } from './replay.bench';
import { DEFAULT_CONSUMER_BATCH } from '@calm/jetstream';
import { Figures, eventsLimit, goalRows, median, percentile, ratio, round1, table, writeJson, trendPctPerRound } from './report';
import { atRate, saturate } from './rest-open.bench';
import { RssSampler, ServiceProcess, backendCpuMs, backendCpuSpentMs, processCpuMs } from './service-process';
import { versionLine } from '@calm/config';
import { gitCommit } from './git-commit';

interface Options {
  quick?: boolean;
  rounds?: number;
  connections: number;
  duration?: number;
  events?: number;
  convergence?: number;
  tuning?: string;
  cpuProf?: string;
  out?: string;
  only?: string;
  coordination?: boolean;
  fixedRate?: number;
  vacuumBetweenRounds?: boolean;
  stages?: string;
  rateGenerator?: 'paced' | 'autocannon';
}

const program = new Command()
  .name('bench')
  .description('calm-accounts benchmarks, each throughput beside its raw limit measured in the same run')
  .version(versionLine('bench'), '-V, --version', 'print the version and exit')
  .option('--quick', 'fewer and shorter rounds (under 60 s)')
  .option('--rounds <n>', 'rounds per figure (median reported)', Number)
  .option('--connections <n>', 'HTTP connections, and raw PostgreSQL clients', Number, 10)
  .option('--duration <s>', 'seconds per HTTP / raw PostgreSQL round', Number)
  .option('--events <n>', 'customer.created backlog per events round', Number)
  .option('--convergence <n>', 'accounts per convergence path', Number)
  .option('--tuning <json>', 'run the account service with this in-process AccountsTuning (bench/src/tuned-service.main.ts)')
  .option('--cpu-prof <dir>', 'run the account service (with --coordination: every process of every design) under node --cpu-prof, profiles written to <dir>')
  .option('--only <phases>', 'comma-separated subset of rest,events,convergence,replay (for profiling; figures left out are null)')
  .option(
    '--coordination',
    'run the coordination study instead (bench/src/coordination/coordination.main.ts; its options: --quick, --rounds, --connections, --duration, --cpu-prof, --out)',
  )
  .option('--fixed-rate <n>', 'offered rate of the latency rounds instead of half the saturation rate (A/B at equal load)', Number)
  .option('--vacuum-between-rounds', 'VACUUM the account database before each latency round (diagnosis: does the CPU trend follow the dead tuples?)')
  .option('--rate-generator <g>', "the latency rounds' load: paced (evenly spaced, the default) or autocannon (its overallRate: per-second bursts)")
  .option('--stages <file>', "run the service with its stage log (tuned-service.main.ts) and write the convergence phase's stage breakdown to <file>")
  .option('--out <file>', 'JSON results file (default bench/results/latest.json, or coordination.json with --coordination)');

const resultsFile = (name: string) => join(__dirname, '..', '..', '..', 'bench', 'results', name);

async function main(opts: Options): Promise<void> {
  if (opts.coordination) {
    // The coordination study is its own program (bench/src/coordination/coordination.main.ts): handed the other arguments.
    const args = process.argv.slice(2).filter((a) => a !== '--coordination');
    const { status } = spawnSync(process.execPath, [join(__dirname, 'coordination', 'coordination.main.js'), ...args], { stdio: 'inherit' });
    if (status !== 0) throw new Error(`the coordination bench exited with ${status}`);
    return;
  }
  opts.out ??= resultsFile('latest.json');
  const mode = opts.quick ? 'quick' : 'full';
  const rounds = opts.rounds ?? (opts.quick ? 3 : 5);
  const durationS = opts.duration ?? (opts.quick ? 2 : 5);
  const backlog = opts.events ?? (opts.quick ? 1500 : 5000);
  const perPath = opts.convergence ?? (opts.quick ? 100 : 400);
  const before = snapshot();
  const started = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), 'calm-bench-logs-'));
  const log = (msg: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

  const [nats, accountsDb, rawDb] = await Promise.all([startNats(), benchDatabase('accounts'), benchDatabase('raw', true)]);
  const rss = new RssSampler();
  const stageLog = join(logDir, 'stages.jsonl');
  if (opts.stages) opts.tuning ??= '{}'; // the stage log is the tuned main's (the service's own main, plus the log)
  const accounts = new ServiceProcess(
    {
      name: 'accounts',
      databaseUrl: accountsDb.url,
      natsUrl: nats.url,
      tuning: opts.tuning ? JSON.parse(opts.tuning) : undefined,
      cpuProfDir: opts.cpuProf,
      logFile: join(logDir, 'accounts.log'),
      env: opts.stages ? { BENCH_STAGE_LOG: stageLog } : undefined,
    },
    rss,
  );
  const nc = await connect({ servers: nats.url, name: 'bench' });
  try {
    await Promise.all([accounts.start(), prepareRawTables(rawDb.url)]);
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    log(`services up (logs in ${logDir}); warming up`);
    const phases = new Set((opts.only ?? 'rest,events,convergence,replay').split(','));

    const rest: number[] = [];
    const pg: number[] = [];
    const restErrors: number[] = [];
    const cpuPerOpen: number[] = [];
    const pgCpuPerOpen: number[] = [];
    // What the raw transaction costs, by process: the floor a POST's CPU is compared with.
    const pgTxnCpu = { client: [] as number[], postgres: [] as number[] };
    const p99: number[] = [];
    const pgP99: number[] = []; // the raw transaction's p99 at the same paced rate, right after each latency round: its floor
    // CPU per POST at the latency rounds' fixed offered rate: the same load for every
    // variant of an A/B (--fixed-rate), where the saturated rounds' CPU moves with the rate.
    const atRateCpu = { service: [] as number[], postgres: [] as number[], nats: [] as number[] };
    // Dead tuples of the account database at the start of each latency round: beside the
    // CPU trend, whether the cost per POST follows the data left behind (no autovacuum
    // runs in a round this short).
    const atRateDeadTuples: number[] = [];
    let halfRate = 0;
    if (phases.has('rest')) {
      // JIT warm-up: without it the first round runs at about half the speed of the later ones.
      await saturate(accounts.url, opts.connections, opts.quick ? 3 : 5);
      for (let r = 0; r < rounds; r++) {
        const cpuBefore = accounts.cpuMs();
        const pgBefore = await backendCpuMs(pgServerUrl(), accountsDb.name);
        const sat = await saturate(accounts.url, opts.connections, durationS);
        cpuPerOpen.push((accounts.cpuMs() - cpuBefore) / sat.ok);
        pgCpuPerOpen.push(backendCpuSpentMs(pgBefore, await backendCpuMs(pgServerUrl(), accountsDb.name)) / sat.ok);
        rest.push(sat.okPerS);
        restErrors.push(sat.non2xx + sat.errors);
        const raw = await rawPgTxn(rawDb.url, opts.connections, durationS);
        pg.push(raw.perS);
        pgTxnCpu.client.push(raw.clientCpuMs);
        pgTxnCpu.postgres.push(raw.postgresCpuMs);
        log(
          `round ${r + 1}: rest_open ${Math.round(sat.okPerS)}/s (service CPU ${cpuPerOpen[r].toFixed(2)} ms each, its PostgreSQL backends ${pgCpuPerOpen[r].toFixed(2)} ms), ` +
            `pg_txn ${Math.round(pg[r])}/s (client CPU ${raw.clientCpuMs.toFixed(2)} ms each, its PostgreSQL backends ${raw.postgresCpuMs.toFixed(2)} ms)`,
        );
      }
      halfRate = opts.fixedRate ?? median(rest) / 2;
      for (let r = 0; r < rounds; r++) {
        if (opts.vacuumBetweenRounds) await withPg(accountsDb.url, (c) => c.query('VACUUM'));
        const activity = await databaseActivity(accountsDb.url);
        atRateDeadTuples.push(activity.deadTuples);
        const before = { service: accounts.cpuMs(), postgres: await backendCpuMs(pgServerUrl(), accountsDb.name), nats: processCpuMs(nats.process.pid!) };
        const half = await atRate(accounts.url, opts.connections, durationS, halfRate, opts.rateGenerator);
        atRateCpu.service.push((accounts.cpuMs() - before.service) / half.ok);
        atRateCpu.postgres.push(backendCpuSpentMs(before.postgres, await backendCpuMs(pgServerUrl(), accountsDb.name)) / half.ok);
        atRateCpu.nats.push((processCpuMs(nats.process.pid!) - before.nats) / half.ok);
        p99.push(half.p99Ms);
        pgP99.push((await rawPgTxnAtRate(rawDb.url, opts.connections, durationS, halfRate)).p99Ms);
        log(
          `round ${r + 1}: at ${Math.round(halfRate)}/s p99 ${half.p99Ms.toFixed(1)} ms (raw pg_txn ${pgP99[r].toFixed(1)} ms) (answered ${Math.round(half.okPerS)}/s; CPU per POST: service ${atRateCpu.service[r].toFixed(3)} ms, ` +
            `its PostgreSQL backends ${atRateCpu.postgres[r].toFixed(3)} ms, nats-server ${atRateCpu.nats[r].toFixed(3)} ms); before it ${JSON.stringify(activity)}`,
        );
      }
    }

    const events: number[] = [];
    const consume: number[] = [];
    const publish: number[] = [];
    const pgBatch: number[] = [];
    const cpuPerEvent: number[] = [];
    if (phases.has('events')) {
      const tuning = opts.tuning ? (JSON.parse(opts.tuning) as { consumer?: { batchSize?: number } }) : {};
      const batchSize = tuning.consumer?.batchSize ?? DEFAULT_CONSUMER_BATCH;
      for (let r = 0; r < rounds; r++) {
        const e = await eventsRound({ js, jsm, accountsDbUrl: accountsDb.url, accounts }, backlog, r);
        events.push(e.eventsPerS);
        cpuPerEvent.push(e.serviceCpuMs / backlog);
        consume.push(e.consumePerS);
        // The other two stages' raw limits, right after, on the same backlog size.
        publish.push(await rawPublishPerS(nc, jsm, backlog));
        pgBatch.push(await rawPgBatchPerS(rawDb.url, backlog, batchSize));
        log(
          `round ${r + 1}: events ${Math.round(e.eventsPerS)}/s (service CPU ${cpuPerEvent[r].toFixed(3)} ms each); raw: consume ${Math.round(e.consumePerS)}/s, ` +
            `publish ${Math.round(publish[r])}/s, pg_batch ${Math.round(pgBatch[r])}/s (backlog ${backlog}, batch ${batchSize}); during it ${JSON.stringify(e.database)}`,
        );
      }
    }

    const conv = phases.has('convergence') ? await convergencePhase({ accounts, js, jsm, accountsDb, rawDbUrl: rawDb.url }, perPath, log) : noConvergence;
    await accounts.stop();
    if (opts.stages)
      writeStageBreakdown(opts.stages, stageLog, conv.traces, { ...snapshot(), ...machine(), commit: gitCommit(), command: process.argv.slice(2).join(' ') });
    const replay = phases.has('replay')
      ? await replayRebuild({ ACCOUNTS_DATABASE_URL: accountsDb.url, NATS_URL: nats.url })
      : { eventsPerS: null, reason: 'not run (--only)' };
    log(replay.eventsPerS === null ? `replay: n/a (${replay.reason})` : `replay ${Math.round(replay.eventsPerS)}/s`);
    rss.stop();

    const med = (xs: number[]) => (xs.length ? median(xs) : null);
    const pct = (xs: number[], p: number) => (xs.length ? percentile(xs, p) : null);
    const figures: Figures = {
      rest_open_per_s: med(rest),
      rest_open_p99_ms: med(p99),
      pg_txn_p99_ms: med(pgP99),
      pg_txn_per_s: med(pg),
      events_per_s: med(events),
      jetstream_consume_per_s: med(consume),
      jetstream_publish_per_s: med(publish),
      pg_batch_per_s: med(pgBatch),
      events_limit_per_s: eventsLimit(med(consume), med(publish), med(pgBatch)),
      replay_per_s: replay.eventsPerS,
      convergence_p99_ms: pct(conv.samples, 99),
      convergence_floor_p99_ms: pct(conv.floorMs, 99),
      rss_mb_max: rss.maxMb(),
      // The latency rounds offer one rate while the tables grow: their CPU per POST in
      // order is where a cost that grows with the data shows.
      rest_cpu_trend_pct_per_round: trendPctPerRound(atRateCpu.service.map((s, i) => s + atRateCpu.postgres[i] + atRateCpu.nats[i])),
    };
    const after = snapshot();
    const r1 = (xs: number[]) => xs.map((x) => round1(x));
    const r3 = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);
    const doc = {
      ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round1(v)])),
      ...(replay.eventsPerS === null ? { replay_reason: replay.reason } : {}),
      ratios: {
        rest_open_over_pg_txn: ratio(figures.rest_open_per_s, figures.pg_txn_per_s),
        events_over_events_limit: ratio(figures.events_per_s, figures.events_limit_per_s),
      },
      goals: Object.fromEntries(goalRows(figures).map((g) => [g.figure, { goal: g.goal, met: g.met }])),
      context: {
        mode,
        ...machine(),
        loadavg_before: before.loadavg,
        loadavg_after: after.loadavg,
        commit: gitCommit(),
        started_at: before.at,
        finished_at: after.at,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        rounds,
        connections: opts.connections,
        round_seconds: durationS,
        events_backlog: backlog,
        convergence_accounts: conv.samples.length,
        tuning: opts.tuning ? JSON.parse(opts.tuning) : null,
        vacuum_between_rounds: !!opts.vacuumBetweenRounds,
        half_rate_per_s: round1(halfRate) || null,
        rate_generator: opts.rateGenerator ?? 'paced',
        rest_open_failures: restErrors,
        service_cpu_ms_per_open: r3(cpuPerOpen),
        postgres_cpu_ms_per_open: r3(pgCpuPerOpen),
        pg_txn_cpu_ms: { client: r3(pgTxnCpu.client), postgres: r3(pgTxnCpu.postgres) },
        cpu_ms_per_open_at_rate: { service: r3(atRateCpu.service), postgres: r3(atRateCpu.postgres), nats_server: r3(atRateCpu.nats) },
        dead_tuples_at_rate: atRateDeadTuples,
        service_cpu_ms_per_event: r3(cpuPerEvent),
        per_round: {
          rest_open_per_s: r1(rest),
          pg_txn_per_s: r1(pg),
          rest_open_p99_ms: r1(p99),
          pg_txn_p99_ms: r1(pgP99),
          events_per_s: r1(events),
          jetstream_consume_per_s: r1(consume),
          jetstream_publish_per_s: r1(publish),
          pg_batch_per_s: r1(pgBatch),
        },
        convergence: {
          account_second_p50_ms: round1(pct(conv.accountSecondMs, 50)),
          account_second_p99_ms: round1(pct(conv.accountSecondMs, 99)),
          customer_second_p50_ms: round1(pct(conv.customerSecondMs, 50)),
          customer_second_p99_ms: round1(pct(conv.customerSecondMs, 99)),
          floor_p50_ms: round1(pct(conv.floorMs, 50)),
          floor_p99_ms: round1(pct(conv.floorMs, 99)),
        },
        convergence_cpu_ms_per_account: conv.cpuMsPerAccount && {
          service: r3([conv.cpuMsPerAccount.service])[0],
          postgres: r3([conv.cpuMsPerAccount.postgres])[0],
        },
        rss_mb_by_service: rss.perProcess(),
        rss_kinds_at_peak_mb: rss.kindsAtPeak(),
        replay: replay.eventsPerS === null ? null : replay.raw,
      },
    };
    writeJson(opts.out, doc);
    process.stdout.write(
      table(figures, { cores: machine().cores, loadBefore: before.loadavg, loadAfter: after.loadavg, rounds, mode }) + `\n(written to ${opts.out})\n`,
    );
  } finally {
    rss.stop();
    await accounts.stop().catch(() => undefined);
    await nc.close().catch(() => undefined);
    await nats.stop();
    await Promise.all([accountsDb.drop(), rawDb.drop()]).catch((err) => log(`could not drop bench databases: ${(err as Error).message}`));
  }
}

main(program.parse(process.argv).opts<Options>()).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
