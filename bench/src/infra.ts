import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort, natsServerBinary, waitForPort } from '@calm/local-infra';

/**
 * What the bench runs against: a private nats-server on a free loopback port (never the
 * machine's 4222) and fresh calm_bench_* databases on the local PostgreSQL, all removed
 * at the end. Ports and the nats-server binary are found as the tests find them (libs/testing).
 */
export const pgServerUrl = (): string => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export { freePort, waitForPort };
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface BenchNats {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startNats(): Promise<BenchNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'calm-bench-nats-'));
  const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `nats://127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

export async function withPg<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A uniquely named database; the services create it themselves unless `create` is set. */
export async function benchDatabase(label: string, create = false): Promise<BenchDatabase> {
  const name = `calm_bench_${label}_${randomBytes(4).toString('hex')}`;
  if (create) await withPg(pgServerUrl(), (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(pgServerUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withPg(pgServerUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export interface MachineSnapshot {
  at: string;
  loadavg: [number, number, number];
}

export const snapshot = (): MachineSnapshot => ({
  at: new Date().toISOString(),
  loadavg: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
});

export const machine = () => ({
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
});

/** utime + stime of a process from /proc (USER_HZ 100), in ms; 0 once it is gone. */
export function procCpuMs(pid: number | 'self'): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
