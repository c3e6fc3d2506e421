/**
 * `text` with `find` replaced once: how a function's next version is derived from the
 * text of the one before, so the two cannot drift apart. A `find` that does not occur
 * exactly once is an error, never a silent no-op.
 */
export function derived(text: string, find: string, replace: string): string {
  const parts = text.split(find);
  if (parts.length !== 2) throw new Error(`derived SQL: expected one ${JSON.stringify(find)}, found ${parts.length - 1}`);
  return parts.join(replace);
}
