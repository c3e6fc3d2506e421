import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool, PoolClient } from 'pg';
import { Database } from '@calm/pg';
import { openMember, runOpenAccounts } from '../../apps/accounts/src';
import { accountsMigrations } from '../../migrations/accounts';
import { benchDatabase, machine, snapshot } from './infra';
import { writeJson } from './report';
import { processCpuMs } from './service-process';

/**
 * `node dist/bench/src/open-group.probe.js [--groups N] [--sizes 1,2,4,8,16] [--out file]`:
 * the cost of the account path's group commit by group size, without HTTP. Four
 * connections (the group commit's default batches in flight) each run N groups of new
 * accounts for new customers, one after another, through the service's own
 * runOpenAccounts (one call of open_accounts per group, one commit). Measured: accounts
 * per second, the CPU of the four PostgreSQL backends per account (/proc/<pid>/stat of
 * pg_backend_pid(), so PostgreSQL must run on this machine) and this process's CPU per
 * account. CPU per account is the figure to compare: it moves far less with the
 * machine's other load than the rate. Writes bench/results/open-group.json.
 */
const CONNECTIONS = 4;

async function probe(clients: PoolClient[], pids: number[], size: number, groups: number) {
  const group = () => Array.from({ length: size }, () => openMember({ accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' }, new Date()));
  const work = async (c: PoolClient, n: number) => {
    for (let i = 0; i < n; i++) await runOpenAccounts(c, group());
  };
  await Promise.all(clients.map((c) => work(c, 20))); // warm: plans cached, pages in memory
  const pg0 = pids.reduce((a, p) => a + processCpuMs(p), 0);
  const me0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(clients.map((c) => work(c, Math.ceil(groups / CONNECTIONS))));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const me = process.cpuUsage(me0);
  const pgMs = pids.reduce((a, p) => a + processCpuMs(p), 0) - pg0;
  const accounts = Math.ceil(groups / CONNECTIONS) * CONNECTIONS * size;
  return {
    group_size: size,
    accounts,
    accounts_per_s: Math.round(accounts / seconds),
    postgres_cpu_ms_per_account: Number((pgMs / accounts).toFixed(4)),
    client_cpu_ms_per_account: Number(((me.user + me.system) / 1000 / accounts).toFixed(4)),
  };
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const groups = Number(arg('--groups', '2000'));
  const sizes = arg('--sizes', '1,2,4,8,16').split(',').map(Number);
  const out = arg('--out', join(__dirname, '..', '..', '..', 'bench', 'results', 'open-group.json'));
  const db = await benchDatabase('open_group', true);
  const migrated = new Database({ name: 'open-group-probe', url: db.url, migrations: accountsMigrations });
  await migrated.ready;
  await migrated.close();
  const pool = new Pool({ connectionString: db.url, max: CONNECTIONS });
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.connect()));
  try {
    const pids = await Promise.all(clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid));
    const before = snapshot();
    const results = [];
    for (const size of sizes) {
      const r = await probe(clients, pids, size, groups);
      process.stdout.write(`${JSON.stringify(r)}\n`);
      results.push(r);
    }
    writeJson(out, { machine: machine(), before, after: snapshot(), connections: CONNECTIONS, groups, results });
    process.stdout.write(`(written to ${out})\n`);
  } finally {
    clients.forEach((c) => c.release());
    await pool.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
