import { seededRandom } from '@calm/config';

/** The seeded generator of a shuffled verify, repeatable from its printed seed. */
export const mulberry32 = seededRandom;

/**
 * The order to fold `count` facts in: identity, or a Fisher-Yates shuffle. Shuffling
 * each partition on its own is a uniform shuffle of the whole history as far as the fold
 * can tell: facts in different partitions (different customers) never meet in the join.
 */
export function foldOrder(count: number, random?: () => number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (!random) return order;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 31);
