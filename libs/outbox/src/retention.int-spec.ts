import { Database } from '@calm/pg';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { accountsMigrations } from '../../../migrations/accounts';
import { RetentionSweeper } from './retention';

/** What the sweep deletes, and what it must never delete. (Under load: outbox.int-spec.ts.) */
let dbInfo: TestDatabase;
let db: Database;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  dbInfo = await freshDatabase('retention');
  db = new Database({ name: 'retention-test', url: dbInfo.url, migrations: accountsMigrations });
  await db.ready;
});
afterAll(async () => {
  await db.close();
  await dbInfo.drop();
});

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => queryDatabase<T>(dbInfo.url, text, params);
const count = async (table: string, where = 'true') => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0].n;

/** Outbox rows aged `ageDays`, published or not, tagged by subject prefix. */
async function outboxRows(tag: string, n: number, ageDays: number, published: boolean): Promise<void> {
  await sql(
    `INSERT INTO outbox (event_id, subject, payload, created_at, published_at)
     SELECT gen_random_uuid()::text, $1 || '.' || i, '{}'::jsonb, now() - make_interval(days => $2), CASE WHEN $3 THEN now() - make_interval(days => $2) END
     FROM generate_series(1, $4) i`,
    [tag, ageDays, published, n],
  );
}

it('deletes expired published outbox rows, inbox rows and dead letters in chunks, and nothing else', async () => {
  await outboxRows('old-published', 23, 10, true);
  await outboxRows('old-unpublished', 3, 10, false);
  await outboxRows('new-published', 4, 1, true);
  await sql(
    `INSERT INTO inbox (event_id, event_type, received_at) SELECT gen_random_uuid()::text, 'customer.created', now() - make_interval(days => CASE WHEN i <= 17 THEN 40 ELSE 2 END) FROM generate_series(1, 20) i`,
  );
  await sql(
    `INSERT INTO dead_letter (stream, consumer, subject, stream_seq, payload, reason, deliveries, failed_at, retried_at)
     SELECT 'CUSTOMERS', 'c', 'customer.created.x', i, '\\x00', 'r', 1, now() - make_interval(days => CASE WHEN i <= 5 THEN 100 ELSE 1 END), CASE WHEN i <= 2 THEN now() END
     FROM generate_series(1, 8) i`,
  );
  const expired: number[] = [];
  const sweeper = new RetentionSweeper(db, {
    outboxMs: 7 * DAY,
    inboxMs: 30 * DAY,
    deadLetterMs: 90 * DAY,
    chunk: 4,
    onExpiredOpenLetters: (n) => expired.push(n),
  });

  expect(await sweeper.sweep()).toEqual({ outbox: 23, inbox: 17, dead_letter: 5 });
  expect(await count('outbox', `subject LIKE 'old-unpublished.%'`)).toBe(3);
  expect(await count('outbox', `subject LIKE 'new-published.%'`)).toBe(4);
  expect(await count('outbox', `subject LIKE 'old-published.%'`)).toBe(0);
  expect(await count('inbox')).toBe(3);
  expect(await count('dead_letter')).toBe(3);
  // Letters 3..5 expired without a retry: reported, not silently gone.
  expect(expired).toEqual([3]);
  expect(await sweeper.sweep()).toEqual({ outbox: 0, inbox: 0, dead_letter: 0 });
});
