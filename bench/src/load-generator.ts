import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { pacedPosts } from './paced-load';

/**
 * HTTP load for POST /accounts, run as its own child process (forked by the bench) so the
 * generator never shares a CPU thread with the service or the bench. Every request opens
 * a new account for a new, unknown customer: a pending account plus its account.opened
 * outbox row, the same writes as the raw PostgreSQL figure. With `resource: 'customers'`
 * each request creates a new customer instead (the RSS probe's load on the customer service).
 */
export interface LoadRequest {
  url: string;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; unset: as fast as the service answers. */
  overallRate?: number;
  /**
   * With overallRate: `paced` (the default) sends the requests evenly spaced, open loop
   * (paced-load.ts); `autocannon` lets autocannon limit the rate, each connection sending
   * its quota of a second back to back, then pausing until the next second.
   */
  rateGenerator?: 'paced' | 'autocannon';
  /** What is posted: new accounts (the default) or new customers (the customer service's RSS probe). */
  resource?: 'accounts' | 'customers';
}

export interface LoadResult {
  okPerS: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50Ms: number;
  p99Ms: number;
  durationS: number;
}

const newAccount = () => ({ accountId: randomUUID(), customerId: randomUUID() });
const newCustomer = () => ({ customerId: randomUUID(), name: 'Ada Lovelace', email: 'ada@example.com' });

async function run(req: LoadRequest): Promise<LoadResult> {
  if (req.overallRate && req.rateGenerator !== 'autocannon') {
    if (req.resource === 'customers') throw new Error('the paced generator posts accounts only: give customers a rateGenerator of autocannon');
    return pacedPosts({ ...req, overallRate: req.overallRate });
  }
  const result = await autocannon({
    url: `${req.url}/${req.resource ?? 'accounts'}`,
    connections: req.connections,
    duration: req.durationS,
    overallRate: req.overallRate,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (r) => ({ ...r, body: JSON.stringify(req.resource === 'customers' ? newCustomer() : newAccount()) }) }],
  });
  const ok = result['2xx'];
  return {
    okPerS: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    durationS: result.duration,
  };
}

process.once('message', (req: LoadRequest) => {
  run(req).then(
    (r) => process.send!({ ok: true, result: r }, () => process.exit(0)),
    (err: Error) => process.send!({ ok: false, error: err.message }, () => process.exit(1)),
  );
});
