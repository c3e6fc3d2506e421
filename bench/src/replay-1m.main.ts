import { join } from 'node:path';
import { Command } from 'commander';
import { Database } from '@calm/pg';
import { accountsMigrations } from '../../migrations/accounts';
import { seedHistory } from '../../apps/replay/src';
import { benchDatabase, machine, snapshot, startNats } from './infra';
import { Rebuild1m } from './replay-1m';
import { replayRebuild } from './replay.bench';
import { writeJson } from './report';
import { gitCommit } from './git-commit';

/**
 * `node dist/bench/src/replay-1m.main.js [--events 1000000] [--out file]`: seeds a history
 * of that many events (customer.created and account.opened, the bench's mix) into a
 * private nats-server, runs `replay rebuild accounts --json` into a fresh, migrated
 * database, and writes bench/results/replay-1m.json (rendered into docs/performance.md by
 * `npm run bench:docs`).
 */
const opts = new Command()
  .name('replay-1m')
  .option('--events <n>', 'events in the history', Number, 1_000_000)
  .option('--accounts-per-customer <k>', 'accounts per customer (3.4: the bench mix)', Number, 3.4)
  .option('--out <file>', 'results file', join(__dirname, '..', '..', '..', 'bench', 'results', 'replay-1m.json'))
  .parse(process.argv)
  .opts<{ events: number; accountsPerCustomer: number; out: string }>();

async function main(): Promise<void> {
  const before = snapshot();
  const [nats, db] = await Promise.all([startNats(), benchDatabase('replay1m')]);
  try {
    const migrated = new Database({ name: 'replay-1m', url: db.url, migrations: accountsMigrations });
    await migrated.ready;
    await migrated.close();
    const seeded = await seedHistory({ servers: [nats.url], events: opts.events, accountsPerCustomer: opts.accountsPerCustomer });
    process.stderr.write(`[replay-1m] seeded ${seeded.published} events in ${seeded.seconds} s; rebuilding\n`);
    const rebuilt = await replayRebuild({ ACCOUNTS_DATABASE_URL: db.url, NATS_URL: nats.url });
    if (rebuilt.eventsPerS === null) throw new Error(rebuilt.reason);
    const after = snapshot();
    const doc: Rebuild1m = {
      events: seeded.published,
      accounts_per_customer: opts.accountsPerCustomer,
      seed_seconds: Math.round(seeded.seconds * 10) / 10,
      rebuild: rebuilt.raw as Rebuild1m['rebuild'],
      context: { ...machine(), commit: gitCommit(), started_at: before.at, loadavg_before: before.loadavg, loadavg_after: after.loadavg },
    };
    writeJson(opts.out, doc);
    process.stdout.write(`${JSON.stringify(doc.rebuild)}\n(written to ${opts.out})\n`);
  } finally {
    await nats.stop();
    await db.drop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`replay-1m failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
