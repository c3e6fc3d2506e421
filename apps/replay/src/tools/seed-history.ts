import { randomUUID } from 'node:crypto';
import { StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { accountOpened, customerCreated, encodeEvent, streams, subjectOf } from '@calm/contracts';
import { parseNatsUrls } from '@calm/config';
import { mulberry32 } from '../fold/shuffle';

/**
 * Publishes a synthetic history of N events straight onto NATS, for measuring replay:
 *   node dist/apps/replay/src/tools/seed-history.js --events 1000000 [--nats nats://127.0.0.1:PORT] [--seed 1] [--accounts-per-customer 1]
 * customer.created (source /crm, as a third party would publish them) and account.opened,
 * `accountsPerCustomer` accounts per customer on average (default 1: about half each;
 * 3.4 gives the bench's mix, ~79 % account.opened); one customer in ten never appears
 * (its accounts stay pending). No Nats-Msg-Id: the dedupe window would only cost the server memory here.
 */
export interface SeedOptions {
  servers: string[];
  events: number;
  /** Publishes in flight at once. */
  window?: number;
  seed?: number;
  /** Accounts opened per customer, on average (fractions spread evenly); default 1. */
  accountsPerCustomer?: number;
}

/** Publishes the history; returns how many accounts it opened (each account.opened is one account). */
export async function seedHistory(options: SeedOptions): Promise<{ published: number; accounts: number; seconds: number }> {
  const { servers, events: total } = options;
  const window = options.window ?? 4000;
  const perCustomer = options.accountsPerCustomer ?? 1;
  const random = mulberry32(options.seed ?? 1);
  const nc = await connect({ servers, name: 'calm-seed-history' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  for (const s of [streams.customers, streams.accounts]) {
    await jsm.streams
      .info(s.name)
      .catch(() => jsm.streams.add({ name: s.name, subjects: [...s.subjects], storage: StorageType.File, duplicate_window: nanos(120_000) }));
  }
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const started = Date.now();
  let inFlight: Promise<unknown>[] = [];
  let published = 0;
  let accounts = 0;
  for (let i = 0; published < total; i++) {
    const customerId = randomUUID();
    const createdAt = new Date(base + Math.floor(random() * 86_400_000)).toISOString();
    const messages: [string, Uint8Array][] = [];
    if (i % 10 !== 9) {
      messages.push([
        subjectOf('customer.created', customerId),
        encodeEvent(customerCreated({ customerId, name: `Customer ${i}`, email: `c${i}@example.com` }, createdAt, '/crm')),
      ]);
    }
    // Customer i opens floor((i + 1) * k) - floor(i * k) accounts: k on average, fractions included.
    for (let n = Math.floor((i + 1) * perCustomer) - Math.floor(i * perCustomer); n > 0; n--) {
      const accountId = randomUUID();
      const openedAt = new Date(base + Math.floor(random() * 86_400_000)).toISOString();
      messages.push([subjectOf('account.opened', accountId), encodeEvent(accountOpened({ accountId, customerId, currency: 'EUR', openedAt }))]);
    }
    for (const [subject, payload] of messages.slice(0, total - published)) {
      inFlight.push(js.publish(subject, payload, { timeout: 30_000 }));
      published++;
      if (subject.startsWith('account.')) accounts++;
    }
    if (inFlight.length >= window) {
      await Promise.all(inFlight);
      inFlight = [];
    }
  }
  await Promise.all(inFlight);
  await nc.drain();
  return { published, accounts, seconds: (Date.now() - started) / 1000 };
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const servers = parseNatsUrls('NATS_URL', arg('--nats', process.env.NATS_URL || 'nats://127.0.0.1:4222'));
  const r = await seedHistory({
    servers,
    events: Number(arg('--events', '100000')),
    window: Number(arg('--window', '4000')),
    seed: Number(arg('--seed', '1')),
    accountsPerCustomer: Number(arg('--accounts-per-customer', '1')),
  });
  process.stdout.write(
    `published ${r.published} events (${r.accounts} accounts) in ${r.seconds.toFixed(1)} s (${Math.round(r.published / r.seconds)} events/s) to ${servers.join(',')}\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`seed-history: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
