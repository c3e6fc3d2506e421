import type { Pool } from 'pg';

/**
 * The coordinator's durable decision record (presumed abort): a row for a global
 * transaction id means "commit"; no row, once the transaction's owner has finished with
 * it or died, means "abort". The insert is the point of order of the whole protocol:
 * before it, every participant may still be rolled back; after it, every one must commit.
 */
export class DecisionLog {
  constructor(private readonly pool: Pool) {}

  async init(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS twopc_decision (gid text PRIMARY KEY, decided_at timestamptz NOT NULL DEFAULT now())`);
  }

  async recordCommit(gid: string): Promise<void> {
    await this.pool.query(`INSERT INTO twopc_decision (gid) VALUES ($1)`, [gid]);
  }

  /** The subset of `gids` decided "commit". */
  async committed(gids: string[]): Promise<Set<string>> {
    if (gids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ gid: string }>(`SELECT gid FROM twopc_decision WHERE gid = ANY($1::text[])`, [gids]);
    return new Set(rows.map((r) => r.gid));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
