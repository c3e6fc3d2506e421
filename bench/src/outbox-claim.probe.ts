import { Client } from 'pg';
import { OUTBOX_CLAIM } from '@calm/outbox';
import { accountsMigrations } from '../../migrations/accounts';
import { benchDatabase } from './infra';
import { writeJson } from './report';

/**
 * `node dist/bench/src/outbox-claim.probe.js [--published N] [--out file]`: the relay's
 * claim on an outbox where N rows were published in batches of 500 (like the relay) and
 * not vacuumed yet, as a bitmap scan (the planner's choice) and as a plain index scan
 * (OUTBOX_CLAIM's setting), three claims each, from EXPLAIN (ANALYZE, BUFFERS).
 * Writes bench/results/outbox-claim.json, which docs/performance.md quotes.
 */
interface Claim {
  ms: number;
  buffers: number;
  node: string;
  indexRows: number | null;
}

function parse(plan: string): Claim {
  return {
    ms: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1]),
    buffers: Number(/Buffers: shared hit=(\d+)/.exec(plan)?.[1] ?? 0),
    node: /(Bitmap Index Scan|Index Scan|Seq Scan)/.exec(plan)?.[1] ?? 'other',
    indexRows: /Bitmap Index Scan on outbox_unpublished_idx .*rows=(\d+) loops/.exec(plan)
      ? Number(/Bitmap Index Scan on outbox_unpublished_idx .*rows=(\d+) loops/.exec(plan)![1])
      : null,
  };
}

async function claims(c: Client, planner: string | null, n: number): Promise<Claim[]> {
  const out: Claim[] = [];
  for (let i = 0; i < n; i++) {
    await c.query('BEGIN');
    if (planner) await c.query(planner);
    const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${OUTBOX_CLAIM.select}`, [500, []]);
    await c.query('ROLLBACK');
    out.push(parse(rows.map((r) => r['QUERY PLAN']).join('\n')));
  }
  return out;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const published = Number(arg('--published', '70000'));
  const out = arg('--out', require('node:path').join(__dirname, '..', '..', '..', 'bench', 'results', 'outbox-claim.json'));
  const db = await benchDatabase('claim', true);
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    for (const M of accountsMigrations) await new M().up({ query: (text: string) => c.query(text) } as never);
    await c.query(`ALTER TABLE outbox SET (autovacuum_enabled = off)`);
    const fresh = await claimsOn(c, 0);
    for (let i = 0; i < published; i += 500) {
      await c.query(`INSERT INTO outbox (event_id, subject, payload) SELECT 'e-' || g, 'account.opened.x', '{}' FROM generate_series(${i}, ${i + 499}) g`);
      await c.query(`UPDATE outbox SET published_at = now() WHERE published_at IS NULL`);
    }
    const after = await claimsOn(c, published);
    const doc = { published_not_vacuumed: published, fresh, after, at: new Date().toISOString() };
    writeJson(out, doc);
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n(written to ${out})\n`);
  } finally {
    await c.end();
    await db.drop();
  }
}

/** 500 unpublished rows on top of whatever is there, then the claim both ways. */
async function claimsOn(c: Client, base: number): Promise<{ bitmap: Claim[]; index: Claim[] }> {
  await c.query(`INSERT INTO outbox (event_id, subject, payload) SELECT 'f${base}-' || g, 'account.opened.x', '{}' FROM generate_series(1, 500) g`);
  const bitmap = await claims(c, null, 3);
  const index = await claims(c, OUTBOX_CLAIM.planner, 3);
  return { bitmap, index };
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
