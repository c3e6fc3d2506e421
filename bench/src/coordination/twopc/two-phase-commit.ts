import type { PoolClient } from 'pg';
import type { Scenario } from '../scenario';
import { accountWritesSql, customerWritesSql } from '../scenario-writes.sql';
import { DecisionLog } from './decision-log';
import { Participant, branchOf, gidOf, quoteBranch, release } from './participant';

/** Where a test may have the coordinator killed (SIGKILL of its own process: a real crash). */
export type CrashPoint = 'after-prepare' | 'after-decision';

/** committed: both sides committed; decided: the commit is decided and recovery finishes a side that was down. */
export type OpenOutcome = 'committed' | 'decided';

export class InDoubtError extends Error {}

/**
 * Customer and account created atomically across the two service databases with
 * PostgreSQL's two-phase commit. Strict 2PL: each side's transaction keeps the locks of
 * the rows it wrote (and of their unique keys, which a concurrent writer of the same id
 * waits on) from its first write through PREPARE until COMMIT PREPARED.
 *
 * Round trips, both participants in parallel at each step: work, PREPARE (the vote),
 * the decision record (the coordinator's log), COMMIT PREPARED.
 */
export class TwoPhaseCommit {
  /** gids between their first PREPARE and the end of open(): recovery leaves them alone. */
  readonly inFlight = new Set<string>();

  constructor(
    private readonly customers: Participant,
    private readonly accounts: Participant,
    private readonly log: DecisionLog,
    private readonly crashAt?: CrashPoint,
  ) {}

  async open(s: Scenario): Promise<OpenOutcome> {
    const gid = gidOf(s.accountId);
    const now = new Date().toISOString();
    const sides = [this.customers, this.accounts];
    const connected = await Promise.allSettled(sides.map((p) => p.pool.connect()));
    const clients = connected.map((c) => (c.status === 'fulfilled' ? c.value : undefined));
    const broken = [false, false];
    const branch = (i: number) => quoteBranch(branchOf(gid, sides[i]));
    const each = (sql: (i: number) => string) =>
      Promise.allSettled(clients.map((c, i) => c!.query(sql(i)).catch((err: Error) => ((broken[i] = true), Promise.reject(err)))));
    this.inFlight.add(gid);
    try {
      if (clients.some((c) => !c)) throw failure('connect', connected);
      const work = [customerWritesSql(s, now), accountWritesSql(s, now, now)];
      const worked = await each((i) => `BEGIN; ${work[i]}`);
      if (worked.some((r) => r.status === 'rejected')) {
        await Promise.allSettled(clients.map((c) => c!.query('ROLLBACK')));
        throw failure('work', worked);
      }
      const voted = await each((i) => `PREPARE TRANSACTION ${branch(i)}`);
      if (voted.some((r) => r.status === 'rejected')) {
        // No decision is written, so this is an abort; a side that did prepare is rolled
        // back now, or by recovery (no decision row) if its database is unreachable.
        await Promise.allSettled(clients.map((c, i) => (voted[i].status === 'fulfilled' ? c!.query(`ROLLBACK PREPARED ${branch(i)}`) : undefined)));
        throw failure('prepare', voted);
      }
      this.crashIf('after-prepare');
      try {
        await this.log.recordCommit(gid);
      } catch (err) {
        // The insert may have committed with its answer lost: only the log can tell, so recovery decides.
        throw new InDoubtError(`decision record: ${(err as Error).message}; recovery finishes ${gid} from the log`);
      }
      this.crashIf('after-decision');
      const committed = await each((i) => `COMMIT PREPARED ${branch(i)}`);
      // A side that did not commit now is committed by recovery: the decision row says so.
      return committed.every((r) => r.status === 'fulfilled') ? 'committed' : 'decided';
    } finally {
      this.inFlight.delete(gid);
      clients.forEach((c: PoolClient | undefined, i) => release(c, broken[i]));
    }
  }

  private crashIf(point: CrashPoint): void {
    if (this.crashAt === point) process.kill(process.pid, 'SIGKILL');
  }
}

function failure(step: string, results: PromiseSettledResult<unknown>[]): Error {
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  return new Error(`${step} failed: ${reasons.join('; ')}`);
}
