import { ReplayContext, Service } from '../cli/replay-context';
import { Reporter } from '../cli/reporter';
import { createOutcomeScratch, outcomeScratchSink } from '../db/outcome-scratch';
import { MissingEvent, OutboxScope, RetainedOutbox, describeMissing } from '../db/retained-outbox';
import { accountScratchSink, createAccountScratch, createCustomerScratch, customerScratchSink } from '../db/scratch-tables';
import { HistoryStats, SkippedEvent, loadAccountsHistory, loadCustomersHistory } from './history-loader';

export interface FoldResult {
  stats: HistoryStats;
  rows: Record<string, number>;
  /** Events the services' outboxes say were stored that the streams lack. */
  missing: MissingEvent[];
  /** Why an outbox was not compared (its database or table does not exist). */
  outboxNotes: string[];
  /** Peak resident set size seen while folding, in MB (for the measured figures). */
  peakRssMb: number;
  /** Seconds spent reading and decoding the streams, and folding into the scratch tables. */
  phases: { readSeconds: number; foldSeconds: number };
}

export interface FoldOptions {
  /** Shuffles the fold order. */
  random?: () => number;
  /** verify accounts: also read the outcome events into their scratch table (compare-outcomes.ts). */
  outcomes?: boolean;
}

/** The outbox rows that prove what each fold reads: its inputs, and with `outcomes` the outcome events. */
function outboxScope(service: Service, outcomes: boolean): OutboxScope {
  if (service === 'customers') return [{ service: 'customers', prefixes: ['customer.'] }];
  const accounts = outcomes ? ['account.opened.', 'account.validated.', 'account.rejected.'] : ['account.opened.'];
  return [
    { service: 'accounts', prefixes: accounts },
    { service: 'customers', prefixes: ['customer.'] },
  ];
}

/**
 * Reads the service's history, folds it (in stream order, or shuffled by `random`), and
 * writes the folded state into the scratch tables of the service's database; compares
 * the streams with the retained outbox rows on the way.
 */
export async function foldToScratch(ctx: ReplayContext, service: Service, options: FoldOptions = {}): Promise<FoldResult> {
  let peak = process.memoryUsage.rss();
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const t0 = Date.now();
  let t1 = t0;
  const phases = () => ({ readSeconds: (t1 - t0) / 1000, foldSeconds: (Date.now() - t1) / 1000 });
  try {
    const db = await ctx.database(service);
    const outbox = await RetainedOutbox.load(ctx, outboxScope(service, !!options.outcomes));
    const done = async (stats: HistoryStats, rows: Record<string, number>): Promise<FoldResult> => ({
      stats,
      rows,
      missing: await outbox.missing(),
      outboxNotes: outbox.notes,
      peakRssMb: mb(peak),
      phases: phases(),
    });
    if (service === 'accounts') {
      await createAccountScratch(db);
      if (options.outcomes) await createOutcomeScratch(db);
      const outcomes = options.outcomes ? outcomeScratchSink(db) : undefined;
      const { history, stats } = await loadAccountsHistory(ctx, { outbox, outcomes: outcomes?.add });
      t1 = Date.now();
      const out = accountScratchSink(db);
      // Folded once: each partition's facts are let go as soon as it is folded (the peak of 1M events).
      await history.foldPartitions(out.sink, options.random, { release: true });
      const rows = await out.close();
      const counts = { account: rows.accounts, known_customer: rows.customers, sealed_customer: rows.seals };
      return done(stats, outcomes ? { ...counts, outcome_event: await outcomes.close() } : counts);
    }
    await createCustomerScratch(db);
    const { history, stats } = await loadCustomersHistory(ctx, { outbox });
    t1 = Date.now();
    const out = customerScratchSink(db);
    await history.foldPartitions(out.sink, options.random);
    const rows = await out.close();
    return done(stats, { customer: rows.customers });
  } finally {
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage.rss());
  }
}

const mb = (bytes: number) => Math.round(Math.max(bytes, process.memoryUsage.rss()) / 1048576);

export function describeStats(s: HistoryStats): string[] {
  const seqs = Object.entries(s.lastSeq)
    .map(([stream, seq]) => `${stream} to seq ${seq}`)
    .join(', ');
  const lines = [`read ${s.read} events (${seqs}); folded ${s.folded}` + (s.fromOutbox ? ` (${s.fromOutbox} from the outbox, not yet on the stream)` : '')];
  if (s.outcomes) lines.push(`checked ${s.outcomes} outcome events (account.validated, account.rejected) against the fold`);
  if (s.skipped.length) lines.push(`skipped ${s.skipped.length} undecodable events (each listed with its reason)`);
  return lines;
}

/**
 * The summary, then every skipped and every missing event as a result line (printed even
 * with --quiet: an operator must see each).
 */
export function reportHistory(reporter: Reporter, folded: FoldResult): void {
  describeStats(folded.stats).forEach((l) => reporter.info(l));
  folded.outboxNotes.forEach((l) => reporter.info(l));
  folded.stats.skipped.forEach((e) => reporter.line(`skipped: ${describeSkipped(e)}`));
  if (folded.missing.length) reporter.line(`${folded.missing.length} events the outboxes say were stored are missing from the streams:`);
  folded.missing.forEach((m) => reporter.line(describeMissing(m)));
}

/** One line per skipped event: where it is (stream and sequence, or outbox row), its subject, why. */
export function describeSkipped(e: SkippedEvent): string {
  const at = e.seq !== null ? `${e.stream} seq ${e.seq}` : `${e.stream} row ${e.outboxId}`;
  return `${at} (${e.subject.slice(0, 200)}): ${e.reason.slice(0, 500)}`;
}
