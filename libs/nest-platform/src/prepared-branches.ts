import { ConflictException } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';

/** A participant's branch of a global transaction: `<gid>_<participant>` (PostgreSQL prepared ids are unique per cluster, not per database). */
const GID = /^calm2pc_[0-9a-f-]{36}$/;

/** A participant's "no" vote for a business reason (a conflicting row): a 409, the branch rolled back. */
export class BranchRefused extends ConflictException {
  constructor(message: string) {
    super({ statusCode: 409, message });
  }
}

/** "prepared transaction with identifier ... does not exist": already finished by someone else. */
const isUnknownGid = (err: unknown): boolean => (err as { code?: string }).code === '42704';

/**
 * One service's side of a two-phase commit (XA-style resource manager) on its own
 * database: prepare a branch (the service's own writes, then PREPARE TRANSACTION), then
 * commit or roll it back when the coordinator says so, and list what is still in doubt.
 * A prepared branch keeps its row and advisory locks in PostgreSQL until it is finished,
 * with no session attached, so no connection is held between the phases.
 *
 * Two pools: `work` runs the branches' writes, which may wait on a lock held by a branch
 * prepared earlier; `finish` runs COMMIT/ROLLBACK PREPARED. If finishing shared the work
 * pool, the waiting writes could hold every connection while the branch they wait for
 * queues behind them for one: a deadlock only the lock timeout would break.
 */
export class PreparedBranches {
  private readonly work: Pool;
  private readonly finish: Pool;

  constructor(
    databaseUrl: string,
    private readonly participant: 'customers' | 'accounts',
    /** Called after a branch is committed: its outbox rows are now visible to the relay. */
    private readonly onCommitted: () => void = () => undefined,
    private readonly lockTimeoutMs = 5000,
  ) {
    this.work = quietPool(databaseUrl, 10);
    this.finish = quietPool(databaseUrl, 2);
  }

  /**
   * Runs `writes` in a transaction (its first statements are sent with BEGIN, one round
   * trip) and prepares it as this participant's branch of `gid`. `writes` throws
   * BranchRefused for a business refusal (the branch is rolled back, the vote is no).
   */
  async prepare(gid: string, writes: (c: PoolClient, begin: string) => Promise<void>): Promise<void> {
    const branch = this.branch(gid);
    const c = await this.work.connect();
    let broken = false;
    try {
      await writes(c, `BEGIN; SET LOCAL lock_timeout = ${Math.floor(this.lockTimeoutMs)};`);
      await c.query(`PREPARE TRANSACTION '${branch}'`);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => (broken = true));
      throw err;
    } finally {
      c.release(broken || undefined);
    }
  }

  /** COMMIT PREPARED; false when the branch is not (or no longer) prepared. */
  async commit(gid: string): Promise<boolean> {
    const done = await this.end('COMMIT', gid);
    if (done) this.onCommitted();
    return done;
  }

  /** ROLLBACK PREPARED; false when the branch is not (or no longer) prepared. */
  abort(gid: string): Promise<boolean> {
    return this.end('ROLLBACK', gid);
  }

  /** The gids this participant holds prepared in its database (in doubt until the coordinator finishes them). */
  async prepared(): Promise<string[]> {
    const suffix = `_${this.participant}`;
    const { rows } = await this.finish.query<{ gid: string }>(
      `SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'calm2pc\\_%' AND right(gid, $2::int) = $1`,
      [suffix, suffix.length],
    );
    return rows.map((r) => r.gid.slice(0, -suffix.length));
  }

  async close(): Promise<void> {
    await Promise.all([this.work.end(), this.finish.end()]);
  }

  private async end(verb: 'COMMIT' | 'ROLLBACK', gid: string): Promise<boolean> {
    try {
      await this.finish.query(`${verb} PREPARED '${this.branch(gid)}'`);
      return true;
    } catch (err) {
      if (isUnknownGid(err)) return false;
      throw err;
    }
  }

  /** PREPARE TRANSACTION and its siblings take a literal, not a parameter: the gid is checked before it is pasted. */
  private branch(gid: string): string {
    if (!GID.test(gid)) throw new Error(`not a global transaction id: ${JSON.stringify(gid)}`);
    return `${gid}_${this.participant}`;
  }
}

function quietPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 2000 });
  // An idle client whose server went away reports here; the next caller gets a fresh connection.
  pool.on('error', () => undefined);
  // A checked-out client whose server dies emits 'error' too, and with no listener that
  // event ends the service; the query in progress rejects anyway, and its caller decides.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
