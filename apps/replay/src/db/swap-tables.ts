import { Client } from 'pg';

export interface TableCopy {
  table: string;
  /** INSERT INTO <table> ... SELECT ... FROM the scratch table. */
  insert: string;
}

/**
 * Replaces the content of live tables inside ONE transaction, under an ACCESS
 * EXCLUSIVE lock taken by the caller: other sessions see the old rows until COMMIT,
 * then the new ones, never an empty or half-filled table.
 * Bulk path: the tables' indexes (primary key included) are dropped after the TRUNCATE
 * and rebuilt after the INSERT, under the same names and definitions: one sort per
 * index instead of a million random B-tree inserts. Skipped for a table that foreign
 * keys point at (its key cannot be dropped), which then takes the plain INSERT.
 */
export async function replaceTableContents(db: Client, copies: TableCopy[]): Promise<void> {
  await db.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await db.query(`TRUNCATE ${copies.map((c) => c.table).join(', ')}`);
  for (const c of copies) {
    const rebuild = await dropIndexes(db, c.table);
    await db.query(c.insert);
    for (const sql of rebuild) await db.query(sql);
  }
}

/** Drops a table's indexes and key constraints; returns the statements that recreate them. */
async function dropIndexes(db: Client, table: string): Promise<string[]> {
  const { rows: referenced } = await db.query(`SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass`, [table]);
  if (referenced.length) return [];
  const { rows: keys } = await db.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u')`,
    [table],
  );
  const { rows: indexes } = await db.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
     WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [table],
  );
  for (const k of keys) await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quote(k.conname)}`);
  for (const i of indexes) await db.query(`DROP INDEX ${i.name}`);
  return [...keys.map((k) => `ALTER TABLE ${table} ADD CONSTRAINT ${quote(k.conname)} ${k.def}`), ...indexes.map((i) => i.def)];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
