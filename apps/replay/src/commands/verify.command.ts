import { EXIT } from '../cli/cli-io';
import { ReplayContext, Service } from '../cli/replay-context';
import { ACCOUNT_TABLES, CUSTOMER_TABLES, compareTables, describeDifference } from '../db/compare-state';
import { foldToScratch, reportHistory } from '../fold/fold-to-scratch';
import { mulberry32, randomSeed } from '../fold/shuffle';

export interface VerifyOptions {
  shuffle?: boolean;
  seed?: number;
  limit: number;
}

/**
 * Folds the history into scratch tables and compares them with the live ones.
 * Exit 0: equal; 1: differences (each printed with its table, id and field).
 * A shuffled fold that equals the live state is the runtime proof that the state does
 * not depend on the order the events arrived in; the seed is printed to repeat it.
 */
export async function verifyCommand(ctx: ReplayContext, service: Service, options: VerifyOptions): Promise<number> {
  const { reporter } = ctx;
  const seed = options.shuffle || options.seed !== undefined ? (options.seed ?? randomSeed()) : undefined;
  if (seed !== undefined) reporter.info(`fold order: shuffled with seed ${seed} (repeat with --shuffle --seed ${seed})`);
  const folded = await foldToScratch(ctx, service, seed === undefined ? undefined : mulberry32(seed));
  reportHistory(reporter, folded.stats);
  const db = await ctx.database(service);
  const comparison = await compareTables(db, service === 'accounts' ? ACCOUNT_TABLES : CUSTOMER_TABLES, options.limit);
  for (const d of comparison.differences) reporter.line(describeDifference(d));
  if (comparison.total > comparison.differences.length) reporter.line(`... and more: ${comparison.total} differing rows in all (raise --limit to see them)`);
  const rate = reporter.rate(folded.stats.folded);
  reporter.info(comparison.total === 0 ? `${service}: live state equals the folded history` : `${service}: ${comparison.total} differing rows`);
  reporter.info(`${rate.events} events in ${rate.seconds} s (${rate.eventsPerSecond} events/s)`);
  reporter.result({
    command: 'verify',
    service,
    equal: comparison.total === 0,
    seed: seed ?? null,
    differingRows: comparison.total,
    differences: comparison.differences,
    history: folded.stats,
    rows: folded.rows,
    ...rate,
    peakRssMb: folded.peakRssMb,
  });
  return comparison.total === 0 ? EXIT.ok : EXIT.differences;
}
