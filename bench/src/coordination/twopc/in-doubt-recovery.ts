import { DecisionLog } from './decision-log';
import { GID_PREFIX, Participant, branchOf, globalOf, isUnknownGid, quoteBranch } from './participant';

export interface RecoveryOutcome {
  committed: number;
  rolledBack: number;
  /** Participants that could not be read this time (their database is down): tried again next round. */
  unreachable: string[];
}

/**
 * Finishes every in-doubt transaction this coordinator owns: reads pg_prepared_xacts on
 * each participant and commits the ones the decision log says "commit", rolls back the rest.
 *
 * Point of order: "no decision row" is a non-monotone fact (a row may still come). It is
 * safe to act on only once the owner can no longer write the row: a gid still in
 * `inFlight` belongs to a live open() of this process and is skipped; any other gid was
 * prepared by an open() that has returned or by a process that has died (a gid is added
 * to inFlight before its first PREPARE, removed after its last step), and only that
 * open() ever writes its decision. One coordinator process owns the prefix; several
 * coordinators would need a prefix each.
 *
 * Each participant is finished from the log alone, so a participant that is down is
 * simply finished on a later round; both sides reach the same outcome.
 */
export async function recoverInDoubt(participants: Participant[], log: DecisionLog, inFlight: ReadonlySet<string>): Promise<RecoveryOutcome> {
  const outcome: RecoveryOutcome = { committed: 0, rolledBack: 0, unreachable: [] };
  const preparedBy = new Map<Participant, string[]>();
  for (const p of participants) {
    try {
      // pg_prepared_xacts lists the whole cluster; COMMIT PREPARED must run in the database that prepared it.
      const { rows } = await p.pool.query<{ gid: string }>(
        `SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, ${GID_PREFIX.length}) = $1 AND right(gid, $3::int) = $2`,
        [GID_PREFIX, `_${p.name}`, p.name.length + 1],
      );
      preparedBy.set(
        p,
        rows.map((r) => globalOf(r.gid, p)).filter((g) => !inFlight.has(g)),
      );
    } catch {
      outcome.unreachable.push(p.name);
    }
  }
  const all = [...new Set([...preparedBy.values()].flat())];
  if (all.length === 0) return outcome;
  const commit = await log.committed(all);
  for (const [p, gids] of preparedBy) {
    for (const gid of gids) {
      if (outcome.unreachable.includes(p.name)) break;
      const verb = commit.has(gid) ? 'COMMIT' : 'ROLLBACK';
      try {
        await p.pool.query(`${verb} PREPARED ${quoteBranch(branchOf(gid, p))}`);
        if (verb === 'COMMIT') outcome.committed++;
        else outcome.rolledBack++;
      } catch (err) {
        if (!isUnknownGid(err)) outcome.unreachable.push(p.name);
      }
    }
  }
  return outcome;
}
