import { Client } from 'pg';
import { freshDatabase, TestDatabase } from '@calm/testing';
import { copyIn } from './copy-in';

/** The rebuild's COPY FROM STDIN over a pg Client: rows as sent, the server's errors as rejections. */
let target: TestDatabase;
let db: Client;

beforeAll(async () => {
  target = await freshDatabase('copy_in', { create: true });
  db = new Client({ connectionString: target.url });
  await db.connect();
  await db.query('CREATE TEMP TABLE t (id uuid NOT NULL, at timestamptz, n int)');
});
afterAll(async () => {
  await db.end();
  await target.drop();
});

it('copies every line as a row, \\N as null, across more than one CopyData chunk, and resolves with the count', async () => {
  await db.query('TRUNCATE t');
  const lines = Array.from(
    { length: 30_000 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}\t${i % 2 ? '\\N' : '2026-01-01T00:00:00.001Z'}\t${i}\n`,
  );
  const data = Buffer.from(lines.join(''), 'latin1');
  expect(data.length).toBeGreaterThan(1 << 20);
  await expect(copyIn(db, 'COPY t FROM STDIN', data)).resolves.toBe(30_000);
  const { rows } = await db.query(`SELECT count(*)::int AS n, count(at)::int AS dated, sum(n)::bigint::text AS total,
    min(at) = '2026-01-01T00:00:00.001Z'::timestamptz AS exact FROM t`);
  expect(rows[0]).toEqual({ n: 30_000, dated: 15_000, total: String((29_999 * 30_000) / 2), exact: true });
});

it('rejects with the server error naming the bad line, copies nothing of it, and the client goes on', async () => {
  await db.query('TRUNCATE t');
  const data = Buffer.from('00000000-0000-4000-8000-000000000001\t\\N\t1\nnot-a-uuid\t\\N\t2\n', 'latin1');
  await expect(copyIn(db, 'COPY t FROM STDIN', data)).rejects.toThrow(/invalid input syntax for type uuid: "not-a-uuid"/);
  expect((await db.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(0);
  await expect(copyIn(db, 'COPY t (id) FROM STDIN', Buffer.from('00000000-0000-4000-8000-000000000002\n'))).resolves.toBe(1);
});
