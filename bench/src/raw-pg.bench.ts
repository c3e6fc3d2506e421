import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { accountOpened } from '@calm/contracts';
import { accountsMigrations } from '../../migrations/accounts';

/**
 * The raw PostgreSQL limit for POST /accounts: the same writes (one account row, one
 * outbox row carrying an account.opened payload) in one transaction per iteration,
 * from the same number of clients as the HTTP load, with no framework in between.
 * The tables are the account service's own (all its migrations, same indexes).
 */
export async function prepareRawTables(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const M of accountsMigrations) await new M().up({ query: (sql: string) => c.query(sql) } as never);
  } finally {
    await c.end();
  }
}

export async function rawPgTxnPerS(url: string, clients: number, durationS: number): Promise<number> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const deadline = Date.now() + durationS * 1000;
  let done = 0;
  const started = Date.now();
  try {
    await Promise.all(
      conns.map(async (c) => {
        while (Date.now() < deadline) {
          const accountId = randomUUID();
          const customerId = randomUUID();
          const openedAt = new Date().toISOString();
          const event = accountOpened({ accountId, customerId, currency: 'EUR', openedAt });
          await c.query('BEGIN');
          await c.query({
            name: 'raw-account',
            text: `INSERT INTO account (account_id, customer_id, currency, status, opened_at) VALUES ($1, $2, 'EUR', 'pending', $3)`,
            values: [accountId, customerId, openedAt],
          });
          await c.query({
            name: 'raw-outbox',
            text: `INSERT INTO outbox (event_id, subject, payload) VALUES ($1, $2, $3)`,
            values: [event.id, `account.opened.${accountId}`, JSON.stringify(event)],
          });
          await c.query('COMMIT');
          done++;
        }
      }),
    );
    return done / ((Date.now() - started) / 1000);
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}
