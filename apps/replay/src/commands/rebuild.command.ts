import { Client } from 'pg';
import { CliError, EXIT } from '../cli/cli-io';
import { ReplayContext, Service } from '../cli/replay-context';
import { SCRATCH } from '../db/scratch-tables';
import { TableCopy, replaceTableContents } from '../db/swap-tables';
import { runningServiceSigns } from '../db/service-guard';
import { DroppedRow, rowsDroppedByMissing } from '../db/dropped-rows';
import { foldToScratch, reportHistory } from '../fold/fold-to-scratch';

export interface RebuildOptions {
  force?: boolean;
  /** Replace live state even though some events of the history were skipped. */
  allowSkipped?: boolean;
  /** Replace live state even though rows of it rest on events the streams lost. */
  allowMissing?: boolean;
}

const SWAPS: Record<Service, TableCopy[]> = {
  accounts: [
    { table: 'known_customer', insert: `INSERT INTO known_customer (customer_id, created_at) SELECT customer_id, created_at FROM ${SCRATCH.knownCustomer}` },
    { table: 'sealed_customer', insert: `INSERT INTO sealed_customer (customer_id, sealed_at) SELECT customer_id, sealed_at FROM ${SCRATCH.sealedCustomer}` },
    {
      table: 'account',
      insert: `INSERT INTO account (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at)
               SELECT account_id, customer_id, currency, status, opened_at, validated_at, rejected_at FROM ${SCRATCH.account}`,
    },
  ],
  customers: [
    {
      table: 'customer',
      insert: `INSERT INTO customer (customer_id, name, email, created_at, sealed_at) SELECT customer_id, name, email, created_at, sealed_at FROM ${SCRATCH.customer}`,
    },
  ],
};

/**
 * Replaces the service's state tables with the fold of its history. Refuses while the
 * service runs (see service-guard.ts): stop it, rebuild, start it. The swap is one
 * transaction under an ACCESS EXCLUSIVE lock, so a reader sees the old state or the new
 * one, never an empty or half-written table. The inbox, the outbox and the dead letters
 * are not touched: derived event ids already in the outbox stay there, so no
 * account.validated is emitted twice.
 */
export async function rebuildCommand(ctx: ReplayContext, service: Service, options: RebuildOptions): Promise<number> {
  const { reporter } = ctx;
  const db = await ctx.database(service);
  const nats = await ctx.natsConnection();
  await refuseWhileRunning(db, service, ctx, options);
  const folded = await foldToScratch(ctx, service);
  reportHistory(reporter, folded);
  refusePastSkipped(service, folded.stats.skipped.length, options);
  refusePastMissing(service, await rowsDroppedByMissing(db, service, folded.missing), options, (l) => reporter.line(l));
  const swap = SWAPS[service];
  const swapStarted = Date.now();
  const tables = swap.map((c) => c.table).join(', ');
  await db.query('BEGIN');
  try {
    await db.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
    if (!options.force) {
      // A service that started during the fold now waits on the lock: its session shows.
      const signs = await runningServiceSigns(db, service, nats);
      if (signs.length) throw refusal(service, signs);
    }
    await replaceTableContents(db, swap);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  await db.query(`ANALYZE ${tables}`);
  const phases = { ...folded.phases, swapSeconds: (Date.now() - swapStarted) / 1000 };
  const rate = reporter.rate(folded.stats.folded);
  reporter.info(`phases: read ${phases.readSeconds} s, fold into scratch ${phases.foldSeconds} s, swap ${phases.swapSeconds} s`);
  reporter.info(
    `rebuilt ${service}: ${Object.entries(folded.rows)
      .map(([t, n]) => `${n} ${t} rows`)
      .join(', ')}`,
  );
  reporter.info(`${rate.events} events in ${rate.seconds} s (${rate.eventsPerSecond} events/s), peak RSS ${folded.peakRssMb} MB`);
  reporter.result({
    command: 'rebuild',
    service,
    rows: folded.rows,
    history: folded.stats,
    missing: folded.missing,
    outboxNotes: folded.outboxNotes,
    ...rate,
    peakRssMb: folded.peakRssMb,
    phases,
  });
  return EXIT.ok;
}

/**
 * A skipped event may be the only record of state the live tables hold (say, a customer
 * whose accounts are valid): replacing them by a fold without it would lose that state
 * for good. The skipped events are listed above; the operator decides.
 */
function refusePastSkipped(service: Service, skipped: number, options: RebuildOptions): void {
  if (skipped === 0 || options.allowSkipped) return;
  throw new CliError(
    `refusing to rebuild ${service}: ${skipped} events of the history were skipped (each listed with its reason), and live state may rest on them. ` +
      `Fix or remove them and run rebuild again, or pass --allow-skipped to replace the live state without them.`,
    EXIT.differences,
  );
}

/**
 * The outbox is the record of what was stored: a live row whose only events the broker
 * lost (missing events, listed above) would be deleted by the swap, for good. Each such
 * row is named; the operator republishes the events (outbox republish) or decides.
 */
function refusePastMissing(service: Service, dropped: DroppedRow[], options: RebuildOptions, line: (l: string) => void): void {
  for (const d of dropped)
    line(`would drop: ${d.table} ${d.id} (its ${d.event.subject.split('.').slice(0, 2).join('.')} ${d.event.eventId} is missing from the stream)`);
  if (dropped.length === 0 || options.allowMissing) return;
  throw new CliError(
    `refusing to rebuild ${service}: ${dropped.length} live rows would be dropped because the streams lack events the outboxes say were stored (each listed). ` +
      `Put them back (outbox republish) and run rebuild again, or pass --allow-missing to replace the live state without them.`,
    EXIT.differences,
  );
}

async function refuseWhileRunning(db: Client, service: Service, ctx: ReplayContext, options: RebuildOptions): Promise<void> {
  if (options.force) return;
  const signs = await runningServiceSigns(db, service, await ctx.natsConnection());
  if (signs.length) throw refusal(service, signs);
}

const refusal = (service: Service, signs: string[]) =>
  new CliError(
    `refusing to rebuild ${service} while the service is running: ${signs.join('; ')}. ` +
      `Stop every ${service} instance, then run rebuild again (--force skips this check; only when you are sure nothing writes).`,
    EXIT.refused,
  );
