/** mulberry32: a tiny seeded PRNG, so a shuffled verify can be repeated from its printed seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
