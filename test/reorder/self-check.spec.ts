/**
 * The suite can fail: the very same checks that pass for account.ts must catch each of
 * the deliberately broken joins, at the randomized level (with the run's seed, shrunk to
 * a minimal readable history) and at the exhaustive level.
 */
import { arrivals } from './arbitraries';
import {
  PlainState,
  countingCreations,
  joinOnlyWhenCustomerArrives,
  joinOnlyWhenOpened,
  lastWriterWins,
  rejectsOnLocalTimeout,
  reportingEachDuplicate,
} from './broken-joins';
import { PropertyName, READABLE_HISTORY, caughtCounterexample, checkExhaustively, checkRandomized } from './checks';
import { opened, created, readable } from './facts';
import { Join, PropertyViolation, agreesWithOracle } from './properties';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Case {
  join: Join<PlainState>;
  caughtBy: PropertyName[];
  /** Size of the smallest failing history: the shrinker must get close to it. */
  minimalSize: number;
  /** When the shrinker always lands on one history: that history, with `C` for whichever customer it kept. */
  exactly?: RegExp;
}

const cases: Case[] = [
  { join: joinOnlyWhenOpened, caughtBy: ['oracle', 'commutative'], minimalSize: 2, exactly: /^opened\(a1,(c\d),t=0\) created\(\1,t=0\)$/ },
  {
    join: joinOnlyWhenCustomerArrives,
    caughtBy: ['oracle', 'commutative', 'idempotent'],
    minimalSize: 2,
    exactly: /^created\((c\d),t=0\) opened\(a1,\1,t=0\)$/,
  },
  { join: countingCreations, caughtBy: ['oracle', 'commutative'], minimalSize: 3 },
  { join: reportingEachDuplicate, caughtBy: ['oracle', 'commutative', 'idempotent'], minimalSize: 3 },
  { join: lastWriterWins, caughtBy: ['oracle', 'commutative', 'idempotent'], minimalSize: 3 },
  // A shell rejected after LOCAL_GRACE_FACTS later facts: rejected with no seal at all, or its customer arrives late.
  { join: rejectsOnLocalTimeout, caughtBy: ['oracle', 'commutative'], minimalSize: 3 },
];

describe('reorder / self-check: the properties catch broken joins', () => {
  describe.each(cases.map((c) => [c.join.name, c] as const))('%s', (name, { join, caughtBy, minimalSize, exactly }) => {
    it.each(caughtBy)('is caught by the randomized %s property, with the seed in the message', async (property) => {
      await expect(checkRandomized(property, join, arrivals())).rejects.toThrow(
        new RegExp(`^REORDER_SEED=-?\\d+ [\\s\\S]*PropertyViolation: \\[${escape(name)}\\]`),
      );
    });

    it('shrinks to a small readable history', async () => {
      const history = await caughtCounterexample(() => checkRandomized('oracle', join, arrivals()));
      expect(history).toMatch(READABLE_HISTORY);
      expect(history.split(' ').length).toBeGreaterThanOrEqual(minimalSize);
      expect(history.split(' ').length).toBeLessThanOrEqual(minimalSize + 1);
      if (exactly) expect(history).toMatch(exactly);
    });

    it('is caught by the exhaustive level', async () => {
      await expect(checkExhaustively(join)).rejects.toThrow(PropertyViolation);
      await expect(checkExhaustively(join)).rejects.toThrow(new RegExp(`^exhaustive \\(deterministic, no seed\\)[\\s\\S]*\\[${escape(name)}\\]`));
    });
  });
});

describe('reorder / self-check: a local timeout is not a seal', () => {
  it('catches the late customer.created that arrives after the account service rejected its shell by itself', async () => {
    // a1's customer c1 is only late: two other facts arrive first (the local "grace"), then c1.
    const late = readable([opened('a1', 'c1', 0), opened('a2', 'c2', 0), opened('a3', 'c2', 0), created('c1', 1)]);
    await expect(agreesWithOracle(rejectsOnLocalTimeout, late)).rejects.toThrow(/a1: expected valid\(c1,validatedAt t=1\), got rejected\(c1,rejectedAt t=0\)/);
    // The same history on time (c1 before the grace ran out) passes: the bug hides on the happy path.
    await expect(agreesWithOracle(rejectsOnLocalTimeout, readable([opened('a1', 'c1', 0), created('c1', 1)]))).resolves.toBeUndefined();
  });
});
