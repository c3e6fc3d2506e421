import { Pool } from 'pg';
import { SweepReport, standaloneShellSweep } from '../../../accounts/src';
import { EXIT } from '../cli/cli-io';
import { ReplayContext } from '../cli/replay-context';

export interface ShellsOptions {
  /** Shells pending for at least this long (default SHELL_GRACE_SECONDS, else 3600). */
  olderThan?: number;
  limit: number;
  /** Run one sweep now: ask the owner about each listed customer id and apply its answers. */
  resolve?: boolean;
}

interface ShellRow {
  account_id: string;
  customer_id: string;
  opened_at: Date;
  age_s: number;
}

/**
 * Lists stale shells (accounts pending for longer than the grace), oldest first, and
 * with --resolve runs one shell sweep now, exactly as the service's timer would: the
 * owner decides (customers.resolve), this tool only asks and applies the answer. Exit 1
 * when --resolve left some customer undecided (the owner did not answer).
 */
export async function shellsCommand(ctx: ReplayContext, options: ShellsOptions): Promise<number> {
  const graceSeconds = options.olderThan ?? ctx.config.shellGraceSeconds;
  const db = await ctx.database('accounts');
  const { rows } = await db.query<ShellRow>(
    `SELECT account_id, customer_id, opened_at, floor(extract(epoch FROM now() - opened_at))::int AS age_s FROM account
     WHERE status = 'pending' AND opened_at <= now() - make_interval(secs => $1) ORDER BY opened_at, account_id LIMIT $2`,
    [graceSeconds, options.limit],
  );
  const { reporter } = ctx;
  reporter.info(`${rows.length} shell(s) pending for more than ${graceSeconds} s${rows.length === options.limit ? ` (first ${options.limit})` : ''}`);
  for (const r of rows) reporter.line(`${r.account_id} customer=${r.customer_id} openedAt=${r.opened_at.toISOString()} age=${r.age_s}s`);
  const shells = rows.map((r) => ({ accountId: r.account_id, customerId: r.customer_id, openedAt: r.opened_at.toISOString(), ageSeconds: r.age_s }));
  if (!options.resolve) {
    reporter.result({ command: 'shells', graceSeconds, shells });
    return EXIT.ok;
  }
  const report = await sweepNow(ctx, graceSeconds);
  reporter.info(
    `asked the owner about ${report.stale} customer id(s): ${report.created.length} created, ${report.sealed.length} sealed, ${report.undecided.length} undecided, ${report.skipped} claimed elsewhere`,
  );
  for (const c of report.created) reporter.line(`created ${c}: its shells are valid`);
  for (const c of report.sealed) reporter.line(`sealed  ${c}: its shells are rejected`);
  for (const u of report.undecided) reporter.line(`undecided ${u.customerId}: ${u.reason} (asked again on a later sweep)`);
  reporter.result({ command: 'shells --resolve', graceSeconds, shells, sweep: report });
  return report.undecided.length ? EXIT.differences : EXIT.ok;
}

/** One sweep with the service's own code (a pool of its own: the sweep claims on one connection and applies on another). */
async function sweepNow(ctx: ReplayContext, graceSeconds: number): Promise<SweepReport> {
  // Two connections per customer in flight (the claim, then the join's transaction): room for both, or the claims starve the applies.
  const pool = new Pool({ connectionString: ctx.config.databaseUrls.accounts, max: 5, application_name: 'calm-replay' });
  try {
    const { nc } = await ctx.natsConnection();
    return await standaloneShellSweep(pool, nc, { graceSeconds, concurrency: 2 }).sweepOnce();
  } finally {
    await pool.end();
  }
}
