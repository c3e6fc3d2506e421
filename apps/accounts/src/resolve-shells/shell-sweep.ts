import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { ResolveDecision } from '@calm/contracts';
import { askOwner } from './ask-owner';
import { StaleCustomer, staleCustomers, tryClaimCustomer } from './stale-shells.sql';

export interface ShellSweepOptions {
  /** Shells younger than this are left to the stream (SHELL_GRACE_SECONDS). */
  graceSeconds: number;
  /** How long to wait for the owner's answer; a timeout decides nothing. */
  requestTimeoutMs?: number;
  /** Customer ids per sweep, oldest shells first. */
  batchSize?: number;
  /**
   * Customer ids asked about at the same time (default 2). Each holds two pooled
   * connections (the claim, then the join's own transaction), so the sweep keeps most of
   * the pool for the hot paths.
   */
  concurrency?: number;
}

export interface SweepReport {
  /** Customer ids with stale shells when the sweep began. */
  stale: number;
  /** Answered by the owner and applied. */
  created: string[];
  sealed: string[];
  /** Not decided this time (no answer, an error): asked again on a later sweep. */
  undecided: { customerId: string; reason: string }[];
  /** Claimed by another instance, or resolved meanwhile. */
  skipped: number;
}

export interface ShellSweepDeps {
  pool: () => Pool;
  nats: () => NatsConnection;
  /** Applies the owner's decision as the same fact the stream carries (customer.created or customer.sealed). */
  apply: (decision: ResolveDecision) => Promise<void>;
}

/**
 * One sweep over stale shells: for each customer id whose shells are older than the
 * grace, ask the owner and apply its answer. The account service decides nothing here:
 * "this customer will never exist" is the one non-monotone decision of the system, and
 * its point of order is the owner's row for that id (apps/customers domain/decision.ts).
 * Asking is safe to repeat (the owner answers the same decision, re-announced with the
 * same event id) and applying it is the ordinary, idempotent join; the claim only keeps
 * instances from repeating each other's work.
 */
export class ShellSweep {
  private readonly logger = new Logger('ShellSweep');

  constructor(
    private readonly deps: ShellSweepDeps,
    private readonly options: ShellSweepOptions,
  ) {}

  async sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = { stale: 0, created: [], sealed: [], undecided: [], skipped: 0 };
    const candidates = await staleCustomers(this.deps.pool(), this.options.graceSeconds, this.options.batchSize ?? 500);
    report.stale = candidates.length;
    const queue = [...candidates];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.resolve(next, report);
    };
    // Never more workers than half the pool: a worker that holds its claim must always find a connection for its apply.
    const room = Math.max(1, Math.floor((this.deps.pool().options.max ?? 10) / 2));
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 2, room, queue.length) }, worker));
    if (report.undecided.length) this.logger.warn(`${report.undecided.length} customer id(s) not resolved this sweep; first: ${report.undecided[0].reason}`);
    return report;
  }

  private async resolve(candidate: StaleCustomer, report: SweepReport): Promise<void> {
    const { customerId } = candidate;
    const claim = await this.deps.pool().connect();
    let broken: Error | undefined;
    try {
      if (!(await tryClaimCustomer(claim, customerId, this.options.graceSeconds))) {
        report.skipped++;
        return;
      }
      const answer = await askOwner(this.deps.nats(), customerId, this.options.requestTimeoutMs ?? 5000);
      if (!answer.decided) {
        report.undecided.push({ customerId, reason: answer.reason });
        return;
      }
      // Applied on its own connection and transaction (the join's own lock), while the claim is held.
      await this.deps.apply(answer.decision);
      (answer.decision.state === 'created' ? report.created : report.sealed).push(customerId);
    } catch (err) {
      report.undecided.push({ customerId, reason: (err as Error).message });
    } finally {
      await claim.query('ROLLBACK').catch((e: Error) => (broken ??= e));
      claim.release(broken);
    }
  }
}
