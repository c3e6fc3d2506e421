import type { Pool, PoolClient } from 'pg';

/** One resource manager of the two-phase commit: a service database reached through its pool. */
export interface Participant {
  name: 'customers' | 'accounts';
  pool: Pool;
}

/** The global transaction id of a scenario (the decision log's key): one per account, so a retried scenario cannot prepare twice. */
export const gidOf = (accountId: string): string => `calm2pc_${accountId}`;
export const GID_PREFIX = 'calm2pc_';

/**
 * The id a participant prepares its branch under (XA's global id plus branch qualifier):
 * PostgreSQL's prepared-transaction ids are unique per cluster, not per database, so two
 * participants on one cluster cannot both use the global id.
 */
export const branchOf = (gid: string, p: Participant): string => `${gid}_${p.name}`;
export const globalOf = (branch: string, p: Participant): string => branch.slice(0, -`_${p.name}`.length);

/** PREPARE TRANSACTION and its siblings take a literal, not a parameter; a branch id is the prefix, a checked UUID and a participant name. */
export const quoteBranch = (branch: string): string => {
  if (!/^calm2pc_[0-9a-f-]{36}_(customers|accounts)$/.test(branch)) throw new Error(`not a branch id: ${branch}`);
  return `'${branch}'`;
};

/** A client whose connection may be broken goes back to the pool destroyed, never reused. */
export function release(client: PoolClient | undefined, broken: boolean): void {
  client?.release(broken ? true : undefined);
}

/** "prepared transaction with identifier ... does not exist": already finished by someone else. */
export const isUnknownGid = (err: unknown): boolean => (err as { code?: string }).code === '42704';
