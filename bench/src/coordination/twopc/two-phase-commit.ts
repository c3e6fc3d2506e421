import { is2xx } from '../../http-client';
import type { Scenario } from '../scenario';
import type { OnboardingAnswer, OnboardingDesign } from '../onboarding/onboarding-design';
import { DecisionLog } from './decision-log';
import { recoverInDoubt } from './in-doubt-recovery';
import { Participant, gidOf } from './participant';

/** Where a test may have the coordinator killed (SIGKILL of its own process: a real crash). */
export type CrashPoint = 'after-prepare' | 'after-decision';

/**
 * Design "twopc": customer and account created atomically by the two services
 * themselves, each a participant preparing and committing its branch in its own database
 * (PREPARE TRANSACTION / COMMIT PREPARED behind its /twopc API). Strict 2PL: each branch
 * keeps the locks of what it wrote from its first write until it is finished.
 *
 * Steps: prepare the customer branch, then the account branch (the vote); the decision
 * record (this coordinator's own log database); commit both branches in parallel.
 * The branches are prepared one after the other, customers first, so that every global
 * transaction takes its locks in the same order: two scenarios for the same customer,
 * each holding the lock the other waits for in the other database, would be a deadlock
 * that neither database can see (only a lock timeout would end it).
 */
export class TwoPhaseCommit implements OnboardingDesign {
  /** gids between their first prepare and the end of open(): recovery leaves them alone. */
  readonly inFlight = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly customers: Participant,
    private readonly accounts: Participant,
    private readonly log: DecisionLog,
    private readonly crashAt?: CrashPoint,
  ) {}

  async open(s: Scenario): Promise<OnboardingAnswer> {
    const gid = gidOf(s.accountId);
    this.inFlight.add(gid);
    try {
      const customer = await this.customers.prepare(gid, { customerId: s.customerId, name: s.name, email: s.email });
      // No decision is written on any "no" or lost answer: that is an abort. A branch that
      // did prepare is rolled back now, or by recovery (no decision row) if this fails.
      if (!is2xx(customer.status)) return await this.abort(gid, [], 'customers', customer.status);
      const createdAt = (customer.body as { createdAt: string }).createdAt;
      const account = await this.accounts.prepare(gid, { accountId: s.accountId, customerId: s.customerId, customerCreatedAt: createdAt });
      if (!is2xx(account.status)) return await this.abort(gid, [this.customers], 'accounts', account.status);
      this.crashIf('after-prepare');
      try {
        await this.log.recordCommit(gid);
      } catch (err) {
        // The insert may have committed with its answer lost: only the log can tell, so recovery decides.
        return { status: 503, body: { message: `decision record: ${(err as Error).message}; recovery finishes ${gid} from the log`, inDoubt: true } };
      }
      this.crashIf('after-decision');
      const committed = await Promise.all([this.customers, this.accounts].map((p) => p.finish(gid, 'commit')));
      // A branch that did not commit now is committed by recovery: the decision row says so.
      const outcome = committed.every(Boolean) ? 'committed' : 'decided';
      return { status: outcome === 'committed' ? 201 : 202, body: { accountId: s.accountId, customerId: s.customerId, outcome } };
    } finally {
      this.inFlight.delete(gid);
    }
  }

  /** Runs recovery once: finishes branches left in doubt by a crashed predecessor or by a participant that was down. */
  async recover(): Promise<void> {
    const r = await recoverInDoubt([this.customers, this.accounts], this.log, this.inFlight);
    if (r.committed || r.rolledBack) process.stdout.write(`recovery: committed ${r.committed}, rolled back ${r.rolledBack}\n`);
  }

  /** Recovery every `ms`, one round at a time, until close(). */
  recoverEvery(ms: number): void {
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.recover()
        .catch((err: Error) => process.stderr.write(`recovery: ${err.message}\n`))
        .finally(() => (running = false));
    }, ms);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.customers.close();
    this.accounts.close();
    await this.log.close();
  }

  private async abort(gid: string, prepared: Participant[], refusedBy: string, status: number): Promise<OnboardingAnswer> {
    await Promise.all(prepared.map((p) => p.finish(gid, 'abort')));
    return { status: status === 409 ? 409 : 503, body: { message: `${refusedBy} voted no (${status || 'no answer'})` } };
  }

  private crashIf(point: CrashPoint): void {
    if (this.crashAt === point) process.kill(process.pid, 'SIGKILL');
  }
}
