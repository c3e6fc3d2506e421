import { Client } from 'pg';
import { freshDatabase, TestDatabase } from '@calm/testing';
import { accountsMigrations } from '../../../migrations/accounts';
import { OUTBOX_CLAIM } from './outbox';

/**
 * The relay's claim must not pay, on every batch, for the rows published since the last
 * VACUUM (see OUTBOX_CLAIM). The plan is asserted, not a time: a bitmap scan reads every
 * stale entry of the partial index each time, a plain index scan skips them once marked.
 */
let dbInfo: TestDatabase;
let c: Client;

beforeAll(async () => {
  dbInfo = await freshDatabase('outbox_claim', { create: true });
  c = new Client({ connectionString: dbInfo.url });
  await c.connect();
  for (const M of accountsMigrations) await new M().up({ query: (text: string) => c.query(text) } as never);
  // What a busy relay leaves between two autovacuum runs: many rows published, none vacuumed yet.
  await c.query(`ALTER TABLE outbox SET (autovacuum_enabled = off)`);
  for (let i = 0; i < 20_000; i += 500) {
    await c.query(`INSERT INTO outbox (event_id, subject, payload) SELECT 'e-' || g, 'account.opened.x', '{}' FROM generate_series(${i}, ${i + 499}) g`);
    await c.query(`UPDATE outbox SET published_at = now() WHERE published_at IS NULL`);
  }
  await c.query(`INSERT INTO outbox (event_id, subject, payload) SELECT 'f-' || g, 'account.opened.x', '{}' FROM generate_series(1, 500) g`);
});
afterAll(async () => {
  await c.end();
  await dbInfo.drop();
});

async function claimPlan(): Promise<string> {
  await c.query('BEGIN');
  try {
    await c.query(OUTBOX_CLAIM.planner);
    const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${OUTBOX_CLAIM.select}`, [500, []]);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await c.query('ROLLBACK');
  }
}

it('claims through a plain index scan, which skips the stale index entries of published rows once marked', async () => {
  await claimPlan(); // the first pass marks the dead entries
  const plan = await claimPlan();
  expect(plan).not.toMatch(/Bitmap/);
  expect(plan).toMatch(/Index Scan using outbox_unpublished_idx on outbox/);
  // The second claim reads far fewer pages than the 20,000 stale entries' heap pages.
  const buffers = Number(/Buffers: shared hit=(\d+)/.exec(plan)?.[1]);
  expect(buffers).toBeLessThan(1500);
});
