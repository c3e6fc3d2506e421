import { JsMsg } from '@nats-io/jetstream';
import { Client } from 'pg';
import { KnownEvent, decodeEvent, streams } from '@calm/contracts';
import { fastDecodeEvent } from '@calm/contracts';
import { ReplayContext } from '../cli/replay-context';
import { AccountsHistory } from './accounts-history';
import { CustomersHistory } from './customers-history';
import { takeAccountsFact } from './fact-scanner';
import { readStream } from '@calm/messaging';

export interface HistoryStats {
  /** Messages read from the streams. */
  read: number;
  /** Events folded (stream and not yet published outbox rows). */
  folded: number;
  /** Events from the service's outbox not yet on the stream (committed facts in transit). */
  fromOutbox: number;
  /** Messages that did not decode: counted and reported, never fatal. */
  undecodable: number;
  /**
   * Every event the fold could not take (not decodable, or a value PostgreSQL cannot
   * store: the decoder refuses those with the same canonical definitions the services
   * use, so nothing that decodes fails in the scratch tables), each with where it is.
   */
  skipped: SkippedEvent[];
  /** customer.created / customer.sealed events of another source (ignored by the customers fold). */
  otherSource: number;
  /** Stream positions the fold covers, so a later read can tell what is newer. */
  lastSeq: Record<string, number>;
}

/** Where a skipped event is: a stream sequence, or an outbox row not yet published. */
export interface SkippedEvent {
  stream: string;
  seq: number | null;
  outboxId?: string;
  subject: string;
  reason: string;
}

const newStats = (): HistoryStats => ({ read: 0, folded: 0, fromOutbox: 0, undecodable: 0, skipped: [], otherSource: 0, lastSeq: {} });

function skip(stats: HistoryStats, event: SkippedEvent): void {
  stats.undecodable++;
  stats.skipped.push(event);
}

type Source = { stream: string; filter: string };

/**
 * Reads several stream filters with one progress bar over all of them. `take`, when given,
 * is tried first on each message: true when it took the message's fact itself (a cheaper
 * reading than the full decode, for the shapes it knows); false sends the message through
 * the full decode to `apply`.
 */
async function readSources(
  ctx: ReplayContext,
  sources: Source[],
  stats: HistoryStats,
  apply: (e: KnownEvent) => void,
  take?: (data: Uint8Array, subject: string) => boolean,
): Promise<void> {
  const { js, jsm } = await ctx.natsConnection();
  const { reporter } = ctx;
  let started = false;
  const onTotal = (n: number) => {
    if (!started) reporter.progressStart(n, 'reading');
    else reporter.progressGrow(n);
    started = true;
  };
  const onMessage = (msg: JsMsg) => {
    stats.read++;
    if ((stats.read & 4095) === 0) reporter.progress(stats.read);
    if (take?.(msg.data, msg.subject)) return;
    const decoded = fastDecodeEvent(msg.data, msg.subject);
    if (!decoded.ok) return skip(stats, { stream: msg.info.stream, seq: msg.seq, subject: msg.subject, reason: decoded.reason });
    apply(decoded.value);
  };
  try {
    // Both streams at once: while one waits on the network the other decodes.
    await Promise.all(
      sources.map(async (s) => {
        const r = await readStream(js, jsm, { stream: s.stream, filterSubject: s.filter, onTotal }, onMessage);
        stats.lastSeq[s.stream] = r.lastSeq;
      }),
    );
  } finally {
    reporter.progress(stats.read);
    reporter.progressStop();
  }
}

/** Unpublished outbox rows: committed with the state, not on the stream yet. */
async function outboxInTransit(db: Client, subjectPrefix: string): Promise<{ id: string; subject: string; payload: string }[]> {
  const { rows } = await db.query(
    `SELECT id::text AS id, subject, payload::text AS payload FROM outbox WHERE published_at IS NULL AND starts_with(subject, $1) ORDER BY id`,
    [subjectPrefix],
  );
  return rows;
}

/** account.opened (ACCOUNTS) and every customer.created and customer.sealed (CUSTOMERS, any source). */
export async function loadAccountsHistory(ctx: ReplayContext): Promise<{ history: AccountsHistory; stats: HistoryStats }> {
  const history = new AccountsHistory();
  const stats = newStats();
  const apply = (e: KnownEvent) => {
    if (e.type === 'account.opened') history.addOpened(e.data);
    else if (e.type === 'customer.created') history.addCreated(e.data.customerId, e.time);
    else if (e.type === 'customer.sealed') history.addSealed(e.data.customerId, e.data.sealedAt);
    else return;
    stats.folded++;
  };
  const take = (data: Uint8Array, subject: string) => {
    if (!takeAccountsFact(data, subject, history)) return false;
    stats.folded++;
    return true;
  };
  await readSources(
    ctx,
    [
      { stream: streams.accounts.name, filter: 'account.opened.>' },
      { stream: streams.customers.name, filter: 'customer.>' },
    ],
    stats,
    apply,
    take,
  );
  for (const row of await outboxInTransit(await ctx.database('accounts'), 'account.opened.')) {
    const decoded = decodeEvent(Buffer.from(row.payload), row.subject);
    if (!decoded.ok) skip(stats, { stream: 'outbox (accounts)', seq: null, outboxId: row.id, subject: row.subject, reason: decoded.reason });
    else {
      stats.fromOutbox++;
      apply(decoded.value);
    }
  }
  return { history, stats };
}

/** The customer service's own customer.created and customer.sealed events (source /customers). */
export async function loadCustomersHistory(ctx: ReplayContext): Promise<{ history: CustomersHistory; stats: HistoryStats }> {
  const history = new CustomersHistory();
  const stats = newStats();
  const apply = (e: KnownEvent) => {
    if (e.type !== 'customer.created' && e.type !== 'customer.sealed') return;
    if (e.source !== '/customers') {
      stats.otherSource++;
      return;
    }
    if (e.type === 'customer.sealed') history.add({ eventId: e.id, customerId: e.data.customerId, sealedAt: e.data.sealedAt });
    else history.add({ eventId: e.id, customerId: e.data.customerId, name: e.data.name, email: e.data.email, createdAt: e.time });
    stats.folded++;
  };
  await readSources(ctx, [{ stream: streams.customers.name, filter: 'customer.>' }], stats, apply);
  for (const row of await outboxInTransit(await ctx.database('customers'), 'customer.')) {
    const decoded = decodeEvent(Buffer.from(row.payload), row.subject);
    if (!decoded.ok) skip(stats, { stream: 'outbox (customers)', seq: null, outboxId: row.id, subject: row.subject, reason: decoded.reason });
    else {
      stats.fromOutbox++;
      apply(decoded.value);
    }
  }
  return { history, stats };
}
