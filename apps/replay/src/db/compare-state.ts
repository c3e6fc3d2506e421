import { Client } from 'pg';
import { SCRATCH } from './scratch-tables';

export interface Difference {
  table: string;
  id: string;
  /** The differing column, or "(row)" when the row exists on one side only. */
  field: string;
  live: string | null;
  expected: string | null;
}

export interface Comparison {
  total: number;
  /** The first `limit` differences, ordered by table and id. */
  differences: Difference[];
}

interface TableSpec {
  live: string;
  scratch: string;
  key: string;
  fields: string[];
}

export const ACCOUNT_TABLES: TableSpec[] = [
  { live: 'account', scratch: SCRATCH.account, key: 'account_id', fields: ['status', 'currency', 'customer_id', 'opened_at', 'validated_at', 'rejected_at'] },
  { live: 'known_customer', scratch: SCRATCH.knownCustomer, key: 'customer_id', fields: ['created_at'] },
  { live: 'sealed_customer', scratch: SCRATCH.sealedCustomer, key: 'customer_id', fields: ['sealed_at'] },
];
export const CUSTOMER_TABLES: TableSpec[] = [
  { live: 'customer', scratch: SCRATCH.customer, key: 'customer_id', fields: ['name', 'email', 'created_at', 'sealed_at'] },
];

/** Timestamps (the *_at columns) as ISO 8601 UTC; microseconds are kept so that no difference hides (see iso()). */
const text = (col: string) => (col.endsWith('_at') ? `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `${col}::text`);

/**
 * Compares live and scratch tables inside PostgreSQL (a full outer join on the key),
 * so neither side is ever loaded into the CLI's memory; only the first `limit`
 * differing rows travel back, with the exact total.
 */
export async function compareTables(db: Client, tables: TableSpec[], limit: number): Promise<Comparison> {
  const result: Comparison = { total: 0, differences: [] };
  for (const t of tables) {
    const cols = t.fields.map((f) => `l.${f}`).join(', ');
    const scols = t.fields.map((f) => `s.${f}`).join(', ');
    const where = `l.${t.key} IS NULL OR s.${t.key} IS NULL OR (${cols}) IS DISTINCT FROM (${scols})`;
    const from = `${t.live} l FULL JOIN ${t.scratch} s ON s.${t.key} = l.${t.key}`;
    const { rows: count } = await db.query(`SELECT count(*)::int AS n FROM ${from} WHERE ${where}`);
    result.total += count[0].n;
    const remaining = limit - result.differences.length;
    if (remaining <= 0 || count[0].n === 0) continue;
    const select = t.fields.flatMap((f) => [`${text(`l.${f}`)} AS "l_${f}"`, `${text(`s.${f}`)} AS "s_${f}"`]).join(', ');
    const { rows } = await db.query(
      `SELECT coalesce(l.${t.key}, s.${t.key})::text AS id, l.${t.key} IS NOT NULL AS in_live, s.${t.key} IS NOT NULL AS in_history, ${select}
       FROM ${from} WHERE ${where} ORDER BY 1 LIMIT $1`,
      [remaining],
    );
    for (const r of rows) {
      if (!r.in_live || !r.in_history) {
        result.differences.push({ table: t.live, id: r.id, field: '(row)', live: r.in_live ? 'present' : null, expected: r.in_history ? 'present' : null });
        continue;
      }
      for (const f of t.fields) {
        if (r[`l_${f}`] !== r[`s_${f}`]) result.differences.push({ table: t.live, id: r.id, field: f, live: iso(r[`l_${f}`]), expected: iso(r[`s_${f}`]) });
      }
    }
  }
  return result;
}

/** Milliseconds as the API prints them, unless the value really has microseconds. */
const iso = (v: string | null): string | null => (v !== null && /\.\d{3}000Z$/.test(v) ? v.replace(/000Z$/, 'Z') : v);

export function describeDifference(d: Difference): string {
  if (d.field === '(row)') {
    return d.live === null
      ? `${d.table} ${d.id}: missing from the live table (the history has it)`
      : `${d.table} ${d.id}: in the live table but not in the history`;
  }
  return `${d.table} ${d.id}: ${d.field} live=${d.live ?? 'null'} expected=${d.expected ?? 'null'}`;
}
