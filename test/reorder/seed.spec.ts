/** The seed plumbing: parsing, reproducibility, and the seed in every failure. */
import fc from 'fast-check';
import { arrivals } from './arbitraries';
import { READABLE_HISTORY, caughtCounterexample } from './checks';
import { DEFAULT_TRIALS, checkProperty, parseReorderEnv, reorderRun } from './seed';

describe('reorder / seed', () => {
  it('reads REORDER_SEED and REORDER_TRIALS, defaulting to a fresh seed and 200 trials', () => {
    expect(parseReorderEnv({ REORDER_SEED: '42', REORDER_TRIALS: '10000' }, () => 7)).toEqual({ seed: 42, trials: 10000 });
    expect(parseReorderEnv({ REORDER_SEED: '-5' }, () => 7)).toEqual({ seed: -5, trials: DEFAULT_TRIALS });
    expect(parseReorderEnv({}, () => 7)).toEqual({ seed: 7, trials: 200 });
    expect(parseReorderEnv({ REORDER_SEED: ' ' }, () => 9).seed).toBe(9);
  });

  it('refuses a malformed setting, naming the variable', () => {
    expect(() => parseReorderEnv({ REORDER_SEED: 'abc' }, () => 7)).toThrow(/REORDER_SEED/);
    expect(() => parseReorderEnv({ REORDER_SEED: '1.5' }, () => 7)).toThrow(/REORDER_SEED/);
    expect(() => parseReorderEnv({ REORDER_TRIALS: '0' }, () => 7)).toThrow(/REORDER_TRIALS/);
    expect(() => parseReorderEnv({ REORDER_TRIALS: '1e3' }, () => 7)).toThrow(/REORDER_TRIALS/);
  });

  it('reproduces the same arrival orders from the same seed, and others from another', () => {
    const { seed } = reorderRun();
    const draw = (s: number): string[] => fc.sample(arrivals(), { seed: s, numRuns: 50 }).map(String);
    expect(draw(seed)).toEqual(draw(seed));
    expect(draw(seed)).not.toEqual(draw(seed + 1));
  });

  it('puts the seed and a readable shrunk history in the failure message', async () => {
    const { seed } = reorderRun();
    const failing = fc.property(arrivals(), (arrival) => arrival.length < 2);
    await expect(checkProperty(failing)).rejects.toThrow(new RegExp(`^REORDER_SEED=${seed} `));
    const history = await caughtCounterexample(() => checkProperty(failing));
    expect(history).toMatch(READABLE_HISTORY);
    expect(history.split(' ')).toHaveLength(2);
  });
});
