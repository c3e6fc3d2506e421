import { CliIo } from '../../apps/replay/src/cli/cli-io';
import { run } from '../../apps/replay/src/main';
import { TestSystem } from './system';

/** Runs the replay CLI in-process against a test system; returns exit code and what it printed. */
export async function replayCli(system: TestSystem, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    isTTY: false,
    env: { NATS_URL: system.nats.url, ACCOUNTS_DATABASE_URL: system.accountsDb.url, CUSTOMERS_DATABASE_URL: system.customersDb.url },
  };
  const code = await run(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
