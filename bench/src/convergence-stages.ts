import { existsSync, readFileSync } from 'node:fs';
import { percentile, writeJson } from './report';
import type { StageRecord } from './stage-log';

/** The bench's times of one account-second sample (stageNow, wall-clock ms). */
export interface AccountTrace {
  accountId: string;
  sentAt: number;
  answeredAt: number;
  /** GETs it took after a POST that did not answer "valid" (0: the POST's answer was "valid"). */
  polled: number;
}

/** The bench's times of one customer-second sample. */
export interface CustomerTrace {
  accountId: string;
  customerId: string;
  publishAt: number;
  pubAckAt: number;
  /** GETs until one answered "valid", and that GET's send and answer. */
  gets: number;
  sentAt: number;
  answeredAt: number;
}

/** One stage over the samples: p50, p99, and its mean over the slowest 5 % of the samples (what the tail is made of). */
export interface StageFigures {
  stage: string;
  p50_ms: number;
  p99_ms: number;
  slowest_5pct_mean_ms: number;
}

export interface StageBreakdown {
  samples: number;
  /** Samples whose service-side records were all found (the rest are left out). */
  matched: number;
  stages: StageFigures[];
}

export function readStageLog(file: string): StageRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StageRecord);
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Each stage's figures over the samples, `rows[i][stage]` in ms; the last stage is the total, by which "slowest" is ranked. */
function figures(names: string[], rows: number[][]): StageBreakdown['stages'] {
  const total = names.length - 1;
  const slowest = [...rows].sort((a, b) => b[total] - a[total]).slice(0, Math.max(1, Math.ceil(rows.length / 20)));
  return names.map((stage, i) => {
    const xs = rows.map((r) => r[i]);
    return {
      stage,
      p50_ms: r2(percentile(xs, 50)),
      p99_ms: r2(percentile(xs, 99)),
      slowest_5pct_mean_ms: r2(slowest.reduce((a, r) => a + r[i], 0) / slowest.length),
    };
  });
}

/** A breakdown of `samples`, of which `rows` were matched with the service's records. */
const breakdown = (samples: number, names: string[], rows: number[][]): StageBreakdown => ({
  samples,
  matched: rows.length,
  stages: rows.length ? figures(names, rows) : [],
});

/**
 * The customer second, stage by stage: the bench's publish and GETs joined by customer id
 * with the service's records of the message (received), its batch and its transaction.
 */
export function customerStages(traces: CustomerTrace[], log: StageRecord[]): StageBreakdown {
  const received = new Map<string, Extract<StageRecord, { k: 'received' }>>();
  const batches = new Map<string, Extract<StageRecord, { k: 'batch' }>>();
  const txns = new Map<string, Extract<StageRecord, { k: 'customer-facts' }>>();
  for (const r of log) {
    if (r.k === 'received') received.set(r.subject, r);
    if (r.k === 'batch') r.subjects.forEach((s) => batches.set(s, r));
    if (r.k === 'customer-facts') r.customerIds.forEach((id) => txns.set(id, r));
  }
  const names = [
    'publish to stored (the stream timestamp)',
    'stored to received by the service (pull request)',
    'received to batch start (batch pump)',
    'batch start to transaction (decode, dispatch)',
    'pool connection',
    'first round trip (BEGIN, inbox, locks, apply_customer_facts)',
    'second round trip (outbox rows, COMMIT)',
    'commit to the GET that saw it sent (poll interval)',
    'that GET, sent to answered',
    'GETs until one answered "valid" (a count)',
    'total (publish to "valid" read)',
  ];
  const rows: number[][] = [];
  for (const t of traces) {
    const subject = `customer.created.${t.customerId}`;
    const [rc, b, x] = [received.get(subject), batches.get(subject), txns.get(t.customerId)];
    if (!rc || !b || !x) continue;
    const [called, connected, first, committed] = x.at;
    rows.push([
      rc.storedAt - t.publishAt,
      rc.at - rc.storedAt,
      b.startedAt - rc.at,
      called - b.startedAt,
      connected - called,
      first - connected,
      committed - first,
      t.sentAt - committed,
      t.answeredAt - t.sentAt,
      t.gets,
      t.answeredAt - t.publishAt,
    ]);
  }
  return breakdown(traces.length, names, rows);
}

/** The account second, stage by stage: the bench's POST joined by account id with its group commit. */
export function accountStages(traces: AccountTrace[], log: StageRecord[]): StageBreakdown {
  const groups = new Map<string, { g: Extract<StageRecord, { k: 'group' }>; queuedAt: number }>();
  for (const r of log) if (r.k === 'group') r.accountIds.forEach((id, i) => groups.set(id, { g: r, queuedAt: r.queuedAt[i] }));
  const names = [
    'POST sent to submitted to the group commit (HTTP in, parse, validation)',
    'submitted to its group started (setImmediate, groups in flight)',
    'the group transaction (open_accounts, COMMIT)',
    'committed to the answer read (HTTP out)',
    'group size',
    'groups in flight when it started',
    'total (POST to "valid" answer)',
  ];
  const rows: number[][] = [];
  for (const t of traces) {
    const m = groups.get(t.accountId);
    if (!m || t.polled) continue;
    rows.push([
      m.queuedAt - t.sentAt,
      m.g.startedAt - m.queuedAt,
      m.g.committedAt - m.g.startedAt,
      t.answeredAt - m.g.committedAt,
      m.g.accountIds.length,
      m.g.inFlight,
      t.answeredAt - t.sentAt,
    ]);
  }
  return breakdown(traces.length, names, rows);
}

/**
 * Every group commit of the run (whatever phase sent its POSTs), member by member: does a
 * POST wait for its group to start (groups in flight), how long its transaction takes,
 * how large its group is. With `--only rest`, the REST phase's POSTs.
 */
export function groupStages(log: StageRecord[]): StageBreakdown {
  const rows = log.flatMap((r) =>
    r.k === 'group' ? r.queuedAt.map((q) => [r.startedAt - q, r.committedAt - r.startedAt, r.accountIds.length, r.inFlight, r.committedAt - q]) : [],
  );
  const names = ['submitted to its group started', 'the group transaction', 'group size', 'groups in flight when it started', 'total (submitted to committed)'];
  return breakdown(rows.length, names, rows);
}

/** Writes `out`: both paths' stage breakdowns of a convergence phase run with the stage log (`--stages`), and every group commit of the run. */
export function writeStageBreakdown(out: string, logFile: string, traces: { account: AccountTrace[]; customer: CustomerTrace[] }, context: object): void {
  const log = readStageLog(logFile);
  writeJson(out, {
    context,
    customer_second: customerStages(traces.customer, log),
    account_second: accountStages(traces.account, log),
    group_commits: groupStages(log),
  });
}

/** bench/results/convergence-stages.json, as writeStageBreakdown writes it. */
export interface StagesFile {
  context: { at: string; loadavg: number[]; cores: number; cpu: string; node: string; commit: string | null; command: string };
  customer_second: StageBreakdown;
  account_second: StageBreakdown;
  /** Absent from files written before it was measured. */
  group_commits?: StageBreakdown;
}

export const STAGES_BEGIN = '<!-- bench:stages:begin (generated by `npm run bench:docs` from bench/results/convergence-stages.json; do not edit) -->';
export const STAGES_END = '<!-- bench:stages:end -->';

/** The stage tables of docs/performance.md (docs.ts). */
export function stagesSection(f: StagesFile): string {
  const c = f.context;
  const table = (title: string, b: StageBreakdown) => [
    `| ${title} (${b.matched} of ${b.samples} samples) | p50 | p99 | mean of the slowest 5 % |`,
    '| --- | --- | --- | --- |',
    ...b.stages.map((s) => `| ${s.stage} | ${s.p50_ms} | ${s.p99_ms} | ${s.slowest_5pct_mean_ms} |`),
  ];
  return [
    `\`node dist/bench/src/main.js ${c.command.replace(/--stages \S+/, '--stages <file>').replace(/--out \S+/, '--out <file>')}\` at commit \`${c.commit ?? 'n/a'}\`, ${c.at.slice(0, 16).replace('T', ' ')} UTC: ${c.cores} cores (${c.cpu}), node ${c.node}, load average ${c.loadavg.join(' ')} at its end. Times in ms; the p99 of each stage is its own, so the p99s do not add up to the total's:`,
    '',
    ...table('customer second, stage', f.customer_second),
    '',
    ...table('account second, stage', f.account_second),
    ...(f.group_commits?.matched ? ['', ...table('every group commit of the run, per member', f.group_commits)] : []),
  ].join('\n');
}
