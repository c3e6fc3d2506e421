import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { queryDatabase } from '@calm/testing';
import { http, TestSystem } from '../../../../test/support/system';
import { encodeCursor } from './account-cursor';

/**
 * GET /accounts is bounded: at most `limit` (1..100, default 50) accounts per answer, in
 * (openedAt, accountId) order, with an opaque keyset cursor; filters customerId and/or
 * status (or none: every account), olderThanSeconds with status=pending. Rows are written straight into the table
 * so that ties and microsecond times, the hard cases for a cursor, are certain to occur.
 */
let system: TestSystem;
let url: string;
const customerId = randomUUID();
const T0 = Date.parse('2025-06-01T00:00:00Z');

const sql = (text: string, params: unknown[] = []) => queryDatabase(system.accountsDb.url, text, params);

async function insert(rows: { accountId: string; customerId: string; status: 'pending' | 'valid'; openedAt: string }[]): Promise<void> {
  await sql(
    `INSERT INTO account (account_id, customer_id, currency, status, opened_at, validated_at)
     SELECT a, c, 'EUR', s, o::timestamptz, CASE WHEN s = 'valid' THEN o::timestamptz END
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS t(a, c, s, o)`,
    [rows.map((r) => r.accountId), rows.map((r) => r.customerId), rows.map((r) => r.status), rows.map((r) => r.openedAt)],
  );
}

/** Every page, following nextCursor; the concatenated ids. */
async function pages(query: string, limit?: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 1000; n++) {
    const res = await http(url, 'GET', `/accounts?${query}${limit ? `&limit=${limit}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit ?? 50);
    ids.push(...res.body.items.map((a: { accountId: string }) => a.accountId));
    cursor = res.body.nextCursor;
    if (cursor === null) return ids;
    expect(res.body.items).toHaveLength(limit ?? 50);
  }
  throw new Error('more than 1000 pages');
}

const expected = async (where: string, params: unknown[]) =>
  (await sql(`SELECT account_id FROM account WHERE ${where} ORDER BY opened_at, account_id`, params)).map((r) => r.account_id as string);

beforeAll(async () => {
  system = await TestSystem.start('listaccounts');
  url = (await system.startAccounts({ consumer: { enabled: false } })).url;
  // 230 accounts of one customer: groups of identical opening times (ties broken by id),
  // microsecond-distinct times, both statuses; and 40 other customers' shells, half stale.
  const rows = Array.from({ length: 230 }, (_, i) => ({
    accountId: randomUUID(),
    customerId,
    status: (i % 3 === 0 ? 'pending' : 'valid') as 'pending' | 'valid',
    openedAt: i % 2 === 0 ? new Date(T0 + Math.floor(i / 10) * 1000).toISOString() : `2025-06-01T00:00:00.${String(i).padStart(6, '0')}Z`,
  }));
  const others = Array.from({ length: 40 }, (_, i) => ({
    accountId: randomUUID(),
    customerId: randomUUID(),
    status: 'pending' as const,
    openedAt: new Date(i % 2 === 0 ? T0 : Date.now() + 3_600_000).toISOString(),
  }));
  await insert([...rows, ...others]);
});
afterAll(() => system.stop());

it("pages through a customer's accounts in (openedAt, accountId) order, each once, at any limit", async () => {
  const all = await expected('customer_id = $1', [customerId]);
  expect(all).toHaveLength(230);
  expect(await pages(`customerId=${customerId}`)).toEqual(all);
  expect(await pages(`customerId=${customerId.toUpperCase()}`, 100)).toEqual(all);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 100 }), async (limit) => expect(await pages(`customerId=${customerId}`, limit)).toEqual(all)),
    { numRuns: 8 },
  );
});

it('filters by status, by both, and stale shells with olderThanSeconds', async () => {
  expect(await pages('status=pending', 37)).toEqual(await expected(`status = 'pending'`, []));
  expect(await pages(`status=valid&customerId=${customerId}`, 100)).toEqual(await expected(`status = 'valid' AND customer_id = $1`, [customerId]));
  const stale = await pages('status=pending&olderThanSeconds=600', 100);
  expect(stale).toEqual(await expected(`status = 'pending' AND opened_at < now() - interval '600 seconds'`, []));
  expect(stale.length).toBeGreaterThan(0);
  expect(stale.length).toBeLessThan((await expected(`status = 'pending'`, [])).length);
  expect((await http(url, 'GET', '/accounts?status=rejected')).body).toEqual({ items: [], nextCursor: null });
});

it('with no filter, pages through every account in (openedAt, accountId) order', async () => {
  const all = await expected('true', []);
  expect(all.length).toBeGreaterThan(230);
  expect(await pages('')).toEqual(all);
  expect(await pages('', 100)).toEqual(all);
});

it('a page boundary stays put while accounts are opened in front of and behind it', async () => {
  const first = await http(url, 'GET', `/accounts?customerId=${customerId}&limit=10`);
  const before = first.body.items.map((a: { accountId: string }) => a.accountId);
  const lastOpened = first.body.items[9].openedAt;
  // One account earlier than the page (not shown again), one later (shown once).
  const early = randomUUID();
  const late = randomUUID();
  await insert([
    { accountId: early, customerId, status: 'valid', openedAt: '2000-01-01T00:00:00.000Z' },
    { accountId: late, customerId, status: 'valid', openedAt: new Date(Date.parse(lastOpened) + 1).toISOString() },
  ]);
  const rest = await pagesFrom(first.body.nextCursor);
  expect(rest).toContain(late);
  expect(rest).not.toContain(early);
  expect(new Set([...before, ...rest]).size).toBe(before.length + rest.length);
});

async function pagesFrom(cursor: string): Promise<string[]> {
  const res = await http(url, 'GET', `/accounts?customerId=${customerId}&limit=100&cursor=${cursor}`);
  expect(res.status).toBe(200);
  return [...res.body.items.map((a: { accountId: string }) => a.accountId), ...(res.body.nextCursor ? await pagesFrom(res.body.nextCursor) : [])];
}

it.each([
  ['limit 0', `customerId=${customerId}&limit=0`],
  ['limit 101', `customerId=${customerId}&limit=101`],
  ['limit 1.5', `customerId=${customerId}&limit=1.5`],
  ['limit twice', `customerId=${customerId}&limit=1&limit=2`],
  ['a cursor never issued', `customerId=${customerId}&cursor=abc`],
  ['a cursor with an impossible date', `customerId=${customerId}&cursor=${encodeCursor({ openedAt: '2024-02-30T00:00:00.000000Z', accountId: randomUUID() })}`],
  ['a cursor that is not base64url', `customerId=${customerId}&cursor=%2B%2F%3D`],
  ['an unknown status', 'status=open'],
  ['olderThanSeconds without status=pending', 'status=valid&olderThanSeconds=5'],
  ['a negative olderThanSeconds', 'status=pending&olderThanSeconds=-1'],
  ['an unknown parameter', `customerId=${customerId}&offset=10`],
])('400 naming the problem for %s', async (_what, query) => {
  const res = await http(url, 'GET', `/accounts?${query}`);
  expect(res.status).toBe(400);
  expect(res.body.message).toMatch(/customerId|status|limit|cursor|olderThanSeconds|offset/);
});

it('documents the paging in OpenAPI', async () => {
  const doc = (await http(url, 'GET', '/docs-json')).body;
  const params = doc.paths['/accounts'].get.parameters.map((p: { name: string }) => p.name).sort();
  expect(params).toEqual(['cursor', 'customerId', 'limit', 'olderThanSeconds', 'status']);
  expect(JSON.stringify(doc.components.schemas.AccountListResponse)).toContain('nextCursor');
});
