import { ReplayContext, Service } from '../cli/replay-context';
import { Reporter } from '../cli/reporter';
import { accountScratchSink, createAccountScratch, createCustomerScratch, customerScratchSink } from '../db/scratch-tables';
import { HistoryStats, SkippedEvent, loadAccountsHistory, loadCustomersHistory } from './history-loader';

export interface FoldResult {
  stats: HistoryStats;
  rows: Record<string, number>;
  /** Peak resident set size seen while folding, in MB (for the measured figures). */
  peakRssMb: number;
  /** Seconds spent reading and decoding the streams, and folding into the scratch tables. */
  phases: { readSeconds: number; foldSeconds: number };
}

/**
 * Reads the service's history, folds it (in stream order, or shuffled by `random`),
 * and writes the folded state into the scratch tables of the service's database.
 */
export async function foldToScratch(ctx: ReplayContext, service: Service, random?: () => number): Promise<FoldResult> {
  let peak = process.memoryUsage.rss();
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const t0 = Date.now();
  let t1 = t0;
  const phases = () => ({ readSeconds: (t1 - t0) / 1000, foldSeconds: (Date.now() - t1) / 1000 });
  try {
    const db = await ctx.database(service);
    if (service === 'accounts') {
      await createAccountScratch(db);
      const { history, stats } = await loadAccountsHistory(ctx);
      t1 = Date.now();
      const out = accountScratchSink(db);
      // Folded once: each partition's facts are let go as soon as it is folded (the peak of 1M events).
      await history.foldPartitions(out.sink, random, { release: true });
      const rows = await out.close();
      return { stats, rows: { account: rows.accounts, known_customer: rows.customers, sealed_customer: rows.seals }, peakRssMb: mb(peak), phases: phases() };
    }
    await createCustomerScratch(db);
    const { history, stats } = await loadCustomersHistory(ctx);
    t1 = Date.now();
    const out = customerScratchSink(db);
    await history.foldPartitions(out.sink, random);
    const rows = await out.close();
    return { stats, rows: { customer: rows.customers }, peakRssMb: mb(peak), phases: phases() };
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
  if (s.otherSource) lines.push(`ignored ${s.otherSource} customer.created events of another source than /customers`);
  if (s.skipped.length) lines.push(`skipped ${s.skipped.length} undecodable events (each listed with its reason)`);
  return lines;
}

/** The summary, then every skipped event as a result line (printed even with --quiet: an operator must see each). */
export function reportHistory(reporter: Reporter, s: HistoryStats): void {
  describeStats(s).forEach((l) => reporter.info(l));
  s.skipped.forEach((e) => reporter.line(`skipped: ${describeSkipped(e)}`));
}

/** One line per skipped event: where it is (stream and sequence, or outbox row), its subject, why. */
export function describeSkipped(e: SkippedEvent): string {
  const at = e.seq !== null ? `${e.stream} seq ${e.seq}` : `${e.stream} row ${e.outboxId}`;
  return `${at} (${e.subject.slice(0, 200)}): ${e.reason.slice(0, 500)}`;
}
