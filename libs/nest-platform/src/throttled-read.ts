/**
 * A read that runs at most once per interval, whatever the call rate: callers within the
 * interval share the last result (or the read in flight). /metrics is unauthenticated, so
 * a scrape must not be a way to make the database count a table on demand.
 */
export function throttledRead<T>(read: () => Promise<T>, intervalMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last && now() - last.at < intervalMs) return last.value;
    // A failed read is throttled too: an unreachable database is asked once per interval.
    const value = read();
    last = { at: now(), value };
    value.catch(() => undefined);
    return value;
  };
}
