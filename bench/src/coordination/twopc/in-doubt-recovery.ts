import { DecisionLog } from './decision-log';
import { Participant } from './participant';

export interface RecoveryOutcome {
  committed: number;
  rolledBack: number;
  /** Participants that could not be read or finished this time: tried again next round. */
  unreachable: string[];
}

/**
 * Finishes every in-doubt branch: asks each participant which branches it holds prepared
 * and tells it to commit the ones the decision log says "commit", to roll back the rest.
 *
 * Point of order: "no decision row" is a non-monotone fact (a row may still come). It is
 * safe to act on only once the owner can no longer write the row: a gid still in
 * `inFlight` belongs to a live open() of this process and is skipped; any other gid was
 * prepared by an open() that has returned or by a process that has died (a gid is added
 * to inFlight before its first prepare, removed after its last step), and only that
 * open() ever writes its decision. One coordinator process owns the gids; several
 * coordinators would need a prefix each.
 *
 * Each participant is finished from the log alone, so a participant that is down is
 * simply finished on a later round; both sides reach the same outcome.
 */
export async function recoverInDoubt(participants: Participant[], log: DecisionLog, inFlight: ReadonlySet<string>): Promise<RecoveryOutcome> {
  const outcome: RecoveryOutcome = { committed: 0, rolledBack: 0, unreachable: [] };
  const preparedBy = new Map<Participant, string[]>();
  for (const p of participants) {
    const gids = await p.prepared();
    if (gids === null) outcome.unreachable.push(p.name);
    else
      preparedBy.set(
        p,
        gids.filter((g) => !inFlight.has(g)),
      );
  }
  const all = [...new Set([...preparedBy.values()].flat())];
  if (all.length === 0) return outcome;
  const commit = await log.committed(all);
  for (const [p, gids] of preparedBy) {
    for (const gid of gids) {
      const verb = commit.has(gid) ? 'commit' : 'abort';
      if (!(await p.finish(gid, verb))) {
        outcome.unreachable.push(p.name);
        break;
      }
      if (verb === 'commit') outcome.committed++;
      else outcome.rolledBack++;
    }
  }
  return outcome;
}
