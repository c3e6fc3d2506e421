import { randomUUID } from 'node:crypto';
import { seededRandom } from '@calm/config';

/** One customer of the scenario: its account and its creation arrive in a random order. */
export interface DemoCase {
  index: number;
  customerId: string;
  accountId: string;
  name: string;
  accountFirst: boolean;
  /** When each fact is sent, from the start of the run. */
  accountAtMs: number;
  customerAtMs: number;
}

const NAMES = [
  'Ada Lovelace',
  'Alan Turing',
  'Grace Hopper',
  'Edsger Dijkstra',
  'Barbara Liskov',
  'Leslie Lamport',
  'Frances Allen',
  'Tony Hoare',
  'Margaret Hamilton',
  'Donald Knuth',
];

/** Seeded, so a run can be replayed with --seed. */
export { seededRandom };

export function planCases(count: number, maxDelayMs: number, random: () => number): DemoCase[] {
  return Array.from({ length: count }, (_, index) => {
    const first = Math.round(random() * maxDelayMs);
    const second = first + Math.round(random() * maxDelayMs);
    const accountFirst = random() < 0.5;
    return {
      index,
      customerId: randomUUID(),
      accountId: randomUUID(),
      name: NAMES[index % NAMES.length],
      accountFirst,
      accountAtMs: accountFirst ? first : second,
      customerAtMs: accountFirst ? second : first,
    };
  });
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
