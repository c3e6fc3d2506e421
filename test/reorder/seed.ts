/**
 * Seed and trial count of a reorder run, from the environment:
 *
 *   REORDER_SEED    integer; default a fresh random seed, printed so it can be replayed
 *   REORDER_TRIALS  runs per property; default 200 (CI speed), e.g. 10000 to soak
 *
 * Every randomized property goes through `checkProperty`, which runs fast-check with that
 * seed and puts `REORDER_SEED=<seed>` at the head of any failure.
 */
import fc from 'fast-check';

export interface ReorderRun {
  seed: number;
  trials: number;
}

export const DEFAULT_TRIALS = 200;

export function parseReorderEnv(env: Record<string, string | undefined>, randomSeed: () => number): ReorderRun {
  return {
    seed: parseInteger(env, 'REORDER_SEED', randomSeed, -(2 ** 31), 2 ** 31 - 1),
    trials: parseInteger(env, 'REORDER_TRIALS', () => DEFAULT_TRIALS, 1, 10_000_000),
  };
}

function parseInteger(env: Record<string, string | undefined>, name: string, fallback: () => number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback();
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return value;
}

let current: ReorderRun | undefined;

/** The run's settings, read once per test file; the first call prints them. */
export function reorderRun(): ReorderRun {
  if (current === undefined) {
    current = parseReorderEnv(process.env, () => (Math.random() * 2 ** 32) | 0);
    const file = expect.getState().testPath?.replace(/^.*\/test\/reorder\//, '') ?? 'reorder';
    process.stdout.write(`[reorder] ${file}: REORDER_SEED=${current.seed} REORDER_TRIALS=${current.trials}\n`);
  }
  return current;
}

/** Runs one property with the run's seed; a failure names the seed and the shrunk history. */
export async function checkProperty<Ts>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  overrides: Partial<fc.Parameters<Ts>> = {},
): Promise<fc.RunDetails<Ts>> {
  const { seed, trials } = reorderRun();
  const details = await fc.check(property, { seed, numRuns: trials, ...overrides });
  if (details.failed) {
    // fast-check 4 leaves the failing check's own message out of the report (it is the
    // error's cause); the message is what names the broken invariant, so it goes in.
    const cause = details.errorInstance instanceof Error ? `${details.errorInstance.name}: ${details.errorInstance.message}` : '';
    const base = fc.defaultReportMessage(details) ?? 'property failed';
    const report = cause && !base.includes(cause) ? `${base}\n${cause}` : base;
    throw new Error(`REORDER_SEED=${seed} (replay: REORDER_SEED=${seed} npm run test:reorder)\n${report}`);
  }
  return details;
}
