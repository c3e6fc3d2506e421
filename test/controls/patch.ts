import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Control } from './control';

type Patch = Control['patches'][number];

/** Occurrences of `find` in `text`, not overlapping. */
export function occurrences(text: string, find: string): number {
  if (find.length === 0) return 0;
  return text.split(find).length - 1;
}

/**
 * `text` with the patch applied. A `find` that does not occur exactly once is an error:
 * the code moved on and the control no longer breaks what it says, or it would break
 * more than one place.
 */
export function applyPatch(text: string, patch: Patch): string {
  const n = occurrences(text, patch.find);
  if (n !== 1)
    throw new Error(
      `${patch.file}: the find text occurs ${n} times, expected once (the control no longer applies): ${JSON.stringify(patch.find.slice(0, 80))}`,
    );
  const at = text.indexOf(patch.find);
  return text.slice(0, at) + patch.replace + text.slice(at + patch.find.length);
}

/** Applies every patch of a control to the tree at `root`, in order (two patches of one file see each other's result). */
export function applyPatches(root: string, patches: readonly Patch[]): void {
  for (const patch of patches) {
    const path = join(root, patch.file);
    writeFileSync(path, applyPatch(readFileSync(path, 'utf8'), patch));
  }
}
