import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '@calm/pg';
import { REPLAY_NODE_FLAGS } from '@calm/config';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { accountsMigrations } from '../../migrations/accounts';
import { seedHistory } from '../../apps/replay/src';

/**
 * Rebuild of a 100,000-event history stays under the 512 MB bound. The CLI runs as a
 * child process from dist/ (npm run test:faults builds it first), so the figure is
 * the tool's own resident memory, read by this test from /proc (VmHWM, the peak RSS)
 * and cross-checked with the peak the tool reports in --json.
 * A soak test (here, not in npm test): ~10-30 s of publishing and folding.
 */
jest.setTimeout(180_000);

const EVENTS = 100_000;
const BOUND_MB = 512;
/** REPLAY_CLI points at another build of the CLI (default: this checkout's dist/). */
const cli = process.env.REPLAY_CLI ?? join(__dirname, '../../dist/apps/replay/src/main.js');

let nats: TestNatsServer;
let db: TestDatabase;

beforeAll(async () => {
  nats = await startNatsServer();
  db = await freshDatabase('replay_soak');
  const migrate = new Database({ name: 'replay-soak', url: db.url, migrations: accountsMigrations });
  await migrate.ready;
  await migrate.close();
});
afterAll(async () => {
  await nats?.stop();
  await db?.drop();
});

/** Runs the built CLI; returns its exit code, stdout, and its peak RSS from /proc. */
function runCli(args: string[]): Promise<{ code: number | null; out: string; peakKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...REPLAY_NODE_FLAGS, cli, ...args], {
      env: { ...process.env, NATS_URL: nats.url, ACCOUNTS_DATABASE_URL: db.url, CUSTOMERS_DATABASE_URL: db.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited between polls
      }
    }, 50);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) process.stderr.write(err);
      resolve({ code, out, peakKb });
    });
  });
}

describe('replay rebuild on a large history', () => {
  it(`rebuilds ${EVENTS} events, shuffled verify agrees, and memory stays under ${BOUND_MB} MB`, async () => {
    expect(existsSync(cli)).toBe(true);
    const seeded = await seedHistory({ servers: [nats.url], events: EVENTS });
    expect(seeded.published).toBe(EVENTS);

    const rebuild = await runCli(['rebuild', 'accounts', '--json']);
    expect(rebuild.code).toBe(0);
    const report = JSON.parse(rebuild.out);
    expect(report).toMatchObject({ events: EVENTS, rows: { account: seeded.accounts } });
    const [{ n }] = await queryDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM account');
    expect(n).toBe(seeded.accounts);
    // Both measurements, each under the bound; /proc's is the independent one.
    expect(rebuild.peakKb).toBeGreaterThan(0);
    expect(rebuild.peakKb / 1024).toBeLessThan(BOUND_MB);
    expect(report.peakRssMb).toBeLessThan(BOUND_MB);
    process.stdout.write(`rebuild ${EVENTS}: ${report.eventsPerSecond} events/s, peak RSS ${Math.round(rebuild.peakKb / 1024)} MB\n`);

    const verify = await runCli(['verify', 'accounts', '--shuffle', '--seed', '3', '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ equal: true, seed: 3 });
    expect(verify.peakKb / 1024).toBeLessThan(BOUND_MB);
  });
});
