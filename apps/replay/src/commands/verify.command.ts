import { EXIT } from '../cli/cli-io';
import { ReplayContext, Service } from '../cli/replay-context';
import { ACCOUNT_TABLES, CUSTOMER_TABLES, compareTables, describeDifference } from '../db/compare-state';
import { compareOutcomes, describeOutcomeDifference } from '../db/compare-outcomes';
import { foldToScratch, reportHistory } from '../fold/fold-to-scratch';
import { mulberry32, randomSeed } from '../fold/shuffle';

export interface VerifyOptions {
  shuffle?: boolean;
  seed?: number;
  limit: number;
}

/**
 * Folds the history into scratch tables and compares them with the live ones; for
 * accounts, also the stream's outcome events with the fold; and the streams with the
 * services' retained outbox rows. Exit 0: all equal; 1: differences (each printed).
 * A shuffled fold that equals the live state is the runtime proof that the state does
 * not depend on the order the events arrived in; the seed is printed to repeat it.
 */
export async function verifyCommand(ctx: ReplayContext, service: Service, options: VerifyOptions): Promise<number> {
  const { reporter } = ctx;
  const seed = options.shuffle || options.seed !== undefined ? (options.seed ?? randomSeed()) : undefined;
  if (seed !== undefined) reporter.info(`fold order: shuffled with seed ${seed} (repeat with --shuffle --seed ${seed})`);
  const folded = await foldToScratch(ctx, service, { random: seed === undefined ? undefined : mulberry32(seed), outcomes: service === 'accounts' });
  reportHistory(reporter, folded);
  const db = await ctx.database(service);
  const comparison = await compareTables(db, service === 'accounts' ? ACCOUNT_TABLES : CUSTOMER_TABLES, options.limit);
  for (const d of comparison.differences) reporter.line(describeDifference(d));
  if (comparison.total > comparison.differences.length) reporter.line(`... and more: ${comparison.total} differing rows in all (raise --limit to see them)`);
  const outcomes = service === 'accounts' ? await compareOutcomes(db, options.limit) : { total: 0, differences: [] };
  for (const d of outcomes.differences) reporter.line(describeOutcomeDifference(d));
  if (outcomes.total > outcomes.differences.length) reporter.line(`... and more: ${outcomes.total} outcome differences in all (raise --limit to see them)`);
  const equal = comparison.total === 0 && outcomes.total === 0 && folded.missing.length === 0;
  const rate = reporter.rate(folded.stats.folded);
  reporter.info(
    equal
      ? `${service}: live state equals the folded history`
      : `${service}: ${comparison.total} differing rows, ${outcomes.total} outcome event differences, ${folded.missing.length} events missing from the streams`,
  );
  reporter.info(`${rate.events} events in ${rate.seconds} s (${rate.eventsPerSecond} events/s)`);
  reporter.result({
    command: 'verify',
    service,
    equal,
    seed: seed ?? null,
    differingRows: comparison.total,
    differences: comparison.differences,
    outcomeDifferences: outcomes.total,
    outcomes: outcomes.differences,
    missing: folded.missing,
    outboxNotes: folded.outboxNotes,
    history: folded.stats,
    rows: folded.rows,
    ...rate,
    peakRssMb: folded.peakRssMb,
  });
  return equal ? EXIT.ok : EXIT.differences;
}
