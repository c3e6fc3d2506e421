/**
 * The sum of the samples of a Prometheus counter or gauge on a service's /metrics whose
 * labels include `labels` (one series when they name it fully); 0 when there is none (a
 * counter never incremented is not exported with those labels).
 */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** How many customer.created copies the account service at `baseUrl` acknowledged as duplicates (its inbox held the id). */
export const duplicatesAbsorbed = (baseUrl: string): Promise<number> => metricValue(baseUrl, 'calm_events_duplicate_total', { type: 'customer.created' });
