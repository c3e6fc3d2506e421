import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { processCpuMs } from './service-process';
import { paced } from './paced';
import { percentile } from './report';
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

/**
 * The raw transaction's rate, and what one transaction costs in CPU: its client (this
 * process, which does nothing else meanwhile) and its PostgreSQL backend. The floor a
 * POST is compared with: the same writes with no HTTP, no framework and no relay.
 */
export interface RawTxn {
  perS: number;
  clientCpuMs: number;
  postgresCpuMs: number;
}

/** One raw transaction: a new pending account and its account.opened outbox row, one commit. */
async function rawOpen(c: Client): Promise<void> {
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
}

const connectAll = (url: string, clients: number): Promise<Client[]> =>
  Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );

/**
 * The raw transaction's latency at a fixed offered rate, evenly paced over `clients`
 * connections as the REST latency rounds pace their POSTs (paced.ts): the floor of
 * `rest_open_p99_ms`, the same writes with no HTTP, no framework, no group commit.
 */
export async function rawPgTxnAtRate(url: string, clients: number, durationS: number, rate: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const conns = await connectAll(url, clients);
  try {
    const r = await paced(rate, durationS, clients, (slot) => rawOpen(conns[slot]).then(() => true));
    return { p50Ms: percentile(r.latenciesMs, 50), p99Ms: percentile(r.latenciesMs, 99) };
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}

export async function rawPgTxn(url: string, clients: number, durationS: number): Promise<RawTxn> {
  const conns = await connectAll(url, clients);
  const pids = await Promise.all(conns.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid));
  const backendMs = () => pids.reduce((a, p) => a + processCpuMs(p), 0);
  const deadline = Date.now() + durationS * 1000;
  let done = 0;
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const pg0 = backendMs();
  try {
    await Promise.all(
      conns.map(async (c) => {
        while (Date.now() < deadline) {
          await rawOpen(c);
          done++;
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return {
      perS: done / ((Date.now() - started) / 1000),
      clientCpuMs: (cpu.user + cpu.system) / 1000 / done,
      postgresCpuMs: (backendMs() - pg0) / done,
    };
  } finally {
    await Promise.all(conns.map((c) => c.end()));
  }
}
