import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Command } from 'commander';
import { Client } from 'pg';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Database } from '@calm/pg';
import { streams } from '@calm/contracts';
import { readStream } from '@calm/jetstream';
import { accountsMigrations } from '../../migrations/accounts';
import { copyIn, replaceTableContents, seedHistory } from '../../apps/replay/src';
import { benchDatabase, machine, procCpuMs, snapshot, startNats } from './infra';
import { writeJson } from './report';
import { FloorPart as Part, ReplayFloor } from './replay-floor';
import { gitCommit } from './git-commit';

/**
 * `node dist/bench/src/replay-floor.probe.js [--events 150000] [--rounds 3] [--out file]`: what a
 * rebuild of the bench's history cannot go below on this machine, part by part, with
 * nothing else in the process:
 * - read: both streams as `replay rebuild accounts` reads them (readStream of @calm/jetstream,
 *   the same nats client, consumer and filters), each message counted and dropped;
 * - write: the rows such a history folds to (as many accounts and known customers, the
 *   same columns), COPY FROM STDIN into TEMP tables like the rebuild's scratch tables
 *   (copy_scratch), then from them into the live tables as the rebuild's swap does
 *   (swap: one transaction, indexes dropped and rebuilt; the ANALYZE after it left out).
 * Each with its wall time and the CPU of each process (this one, the private nats-server,
 * the PostgreSQL backend), from /proc. Writes bench/results/replay-floor.json.
 */
const opts = new Command()
  .name('replay-floor')
  .option('--events <n>', 'events in the history', Number, 150_000)
  .option('--accounts-per-customer <k>', 'accounts per customer (3.4: the bench mix)', Number, 3.4)
  .option('--rounds <n>', 'measurements of each part', Number, 3)
  .option('--out <file>', 'results file', join(__dirname, '..', '..', '..', 'bench', 'results', 'replay-floor.json'))
  .parse(process.argv)
  .opts<{ events: number; accountsPerCustomer: number; rounds: number; out: string }>();

async function measure(items: number, pids: Record<string, number | 'self'>, work: () => Promise<void>): Promise<Part> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, procCpuMs(p)]));
  const t0 = performance.now();
  await work();
  const wall = performance.now() - t0;
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, procCpuMs(p) - before[k]]));
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  return {
    wall_ms: Math.round(wall),
    per_s: Math.round(items / (wall / 1000)),
    cpu_ms: cpu,
    cpu_us_per_item: Math.round((total * 100_000) / items) / 100,
    loadavg: snapshot().loadavg[0],
  };
}

/** The COPY text of `n` account rows and `m` known-customer rows, the rebuild's columns. */
function rows(accounts: number, customers: number): { account: Buffer; known: Buffer } {
  const ids = Array.from({ length: customers }, () => randomUUID());
  let account = '';
  for (let i = 0; i < accounts; i++)
    account += `${randomUUID()}\t${ids[i % customers]}\tEUR\t${i % 10 === 9 ? 'pending' : 'valid'}\t2026-01-01T05:00:00.000Z\t${i % 10 === 9 ? '\\N' : '2026-01-01T06:00:00.000Z'}\t\\N\n`;
  const known = ids.map((id) => `${id}\t2026-01-01T04:00:00.000Z\n`).join('');
  return { account: Buffer.from(account, 'latin1'), known: Buffer.from(known, 'latin1') };
}

async function main(): Promise<void> {
  const before = snapshot();
  const [nats, db] = await Promise.all([startNats(), benchDatabase('replayfloor')]);
  const pg = new Client({ connectionString: db.url });
  try {
    const migrated = new Database({ name: 'replay-floor', url: db.url, migrations: accountsMigrations });
    await migrated.ready;
    await migrated.close();
    const seeded = await seedHistory({ servers: [nats.url], events: opts.events, accountsPerCustomer: opts.accountsPerCustomer });
    const nc = await connect({ servers: nats.url });
    const [js, jsm] = [jetstream(nc), await jetstreamManager(nc)];
    await pg.connect();
    const backend = Number((await pg.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const natsPid = nats.process.pid ?? 0;
    const read: Part[] = [];
    for (let r = 0; r < opts.rounds; r++)
      read.push(
        await measure(seeded.published, { node: 'self', nats_server: natsPid }, async () => {
          let n = 0;
          const count = () => void n++;
          // Both streams at once, in pulls of 16,384, as the rebuild reads them (history-loader.ts).
          await Promise.all([
            readStream(js, jsm, { stream: streams.accounts.name, filterSubject: 'account.opened.>', batch: 16_384 }, count),
            readStream(js, jsm, { stream: streams.customers.name, filterSubject: 'customer.>', batch: 16_384 }, count),
          ]);
          if (n !== seeded.published) throw new Error(`read ${n} of ${seeded.published} messages`);
        }),
      );
    await nc.close();
    const customers = seeded.published - seeded.accounts;
    const data = rows(seeded.accounts, customers);
    const copyScratch: Part[] = [];
    const copyLive: Part[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      await pg.query(`DROP TABLE IF EXISTS floor_account, floor_known;
        CREATE TEMP TABLE floor_account (account_id uuid NOT NULL, customer_id uuid NOT NULL, currency char(3) NOT NULL,
          status text NOT NULL, opened_at timestamptz NOT NULL, validated_at timestamptz, rejected_at timestamptz);
        CREATE TEMP TABLE floor_known (customer_id uuid NOT NULL, created_at timestamptz NOT NULL)`);
      copyScratch.push(
        await measure(seeded.published, { node: 'self', postgres: backend }, async () => {
          await copyIn(pg, 'COPY floor_account FROM STDIN', data.account);
          await copyIn(pg, 'COPY floor_known FROM STDIN', data.known);
        }),
      );
      // The swap as the rebuild makes it: one transaction, the live tables' indexes dropped, filled from the scratch copies, rebuilt.
      copyLive.push(
        await measure(seeded.published, { node: 'self', postgres: backend }, async () => {
          await pg.query('BEGIN');
          await replaceTableContents(pg, [
            { table: 'known_customer', insert: 'INSERT INTO known_customer (customer_id, created_at) SELECT * FROM floor_known' },
            { table: 'account', insert: 'INSERT INTO account SELECT * FROM floor_account' },
          ]);
          await pg.query('COMMIT');
        }),
      );
    }
    const median = (parts: Part[], f: (p: Part) => number) => parts.map(f).sort((a, b) => a - b)[Math.floor(parts.length / 2)];
    const doc: ReplayFloor = {
      events: seeded.published,
      accounts: seeded.accounts,
      known_customers: customers,
      read,
      copy_scratch: copyScratch,
      swap: copyLive,
      // CPU per event of the parts that every rebuild must do once, and what two cores could do with them.
      floor: {
        read_cpu_us_per_event: median(read, (p) => p.cpu_us_per_item),
        write_cpu_us_per_event: median(copyScratch, (p) => p.cpu_us_per_item) + median(copyLive, (p) => p.cpu_us_per_item),
        events_per_s_two_cores: Math.round(
          (2 * 1e6) / (median(read, (p) => p.cpu_us_per_item) + median(copyScratch, (p) => p.cpu_us_per_item) + median(copyLive, (p) => p.cpu_us_per_item)),
        ),
      },
      context: { ...machine(), commit: gitCommit(), started_at: before.at, loadavg_before: before.loadavg, loadavg_after: snapshot().loadavg },
    };
    writeJson(opts.out, doc);
    process.stdout.write(`${JSON.stringify(doc.floor)}\n(written to ${opts.out})\n`);
  } finally {
    await pg.end().catch(() => undefined);
    await nats.stop();
    await db.drop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`replay-floor failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
