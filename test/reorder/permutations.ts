/**
 * Every order of a small history, by Heap's algorithm: iterative, one swap per
 * permutation, no array of arrays. `visit` sees the same array each time, mutated in
 * place between calls: it must not keep it.
 */
export async function forEachPermutation<T>(items: readonly T[], visit: (order: readonly T[]) => void | Promise<void>): Promise<number> {
  const a = items.slice();
  const c = new Array<number>(a.length).fill(0);
  await visit(a);
  let count = 1;
  for (let i = 1; i < a.length;) {
    if (c[i] < i) {
      const k = i % 2 === 0 ? 0 : c[i];
      [a[k], a[i]] = [a[i], a[k]];
      await visit(a);
      count++;
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return count;
}
