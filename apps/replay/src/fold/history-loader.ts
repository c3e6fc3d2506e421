import { JsMsg } from '@nats-io/jetstream';
import { Client } from 'pg';
import { KnownEvent, decodeEvent, streams, fastDecodeEvent } from '@calm/contracts';
import { factOf } from '@calm/folds';
import { ReplayContext } from '../cli/replay-context';
import { AccountsHistory } from './accounts-history';
import { CustomersHistory } from './customers-history';
import { takeAccountsFact, takenEventId } from './fact-scanner';
import { readStream } from '@calm/jetstream';
import { OutcomeEvent } from '../db/outcome-scratch';
import { RetainedOutbox } from '../db/retained-outbox';

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
  /** Outcome events read (verify accounts: account.validated, account.rejected), in transit ones included. */
  outcomes: number;
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

const newStats = (): HistoryStats => ({ read: 0, folded: 0, fromOutbox: 0, undecodable: 0, skipped: [], outcomes: 0, lastSeq: {} });

function skip(stats: HistoryStats, event: SkippedEvent): void {
  stats.undecodable++;
  stats.skipped.push(event);
}

type Source = { stream: string; filter: string };

/** What a load does besides the fold. */
export interface LoadOptions {
  /** Published outbox rows whose ids the streams must hold: each id read is marked seen. */
  outbox?: RetainedOutbox;
  /** verify accounts: every account.validated and account.rejected goes here, to be checked against the fold. */
  outcomes?: (e: OutcomeEvent) => void;
}

/** An event and where it is, for the operator (built only for the few events that need it). */
type Apply = (e: KnownEvent, where: () => string) => void;

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
  apply: Apply,
  outbox: RetainedOutbox | undefined,
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
    if (take?.(msg.data, msg.subject)) {
      if (outbox?.waiting) outbox.seen(takenEventId(msg.data));
      return;
    }
    const decoded = fastDecodeEvent(msg.data, msg.subject);
    if (!decoded.ok) {
      // Stored all the same: its Nats-Msg-Id (the relay sets it to the event id) answers for it.
      const id = msg.headers?.get('Nats-Msg-Id');
      if (id && outbox?.waiting) outbox.seen(id);
      return skip(stats, { stream: msg.info.stream, seq: msg.seq, subject: msg.subject, reason: decoded.reason });
    }
    outbox?.seen(decoded.value.id);
    apply(decoded.value, () => `${msg.info.stream} seq ${msg.seq}`);
  };
  try {
    // Both streams at once: while one waits on the network the other decodes.
    await Promise.all(
      sources.map(async (s) => {
        // Pulls of 16,384 messages, not 8,192: fewer pull requests for nats-server to serve (bench/results/ab/replay-pull-batch).
        const r = await readStream(js, jsm, { stream: s.stream, filterSubject: s.filter, onTotal, batch: 16_384 }, onMessage);
        stats.lastSeq[s.stream] = r.lastSeq;
      }),
    );
  } finally {
    reporter.progress(stats.read);
    reporter.progressStop();
  }
}

/**
 * Folds the unpublished outbox rows of the given subjects: committed with the state, not
 * on the stream yet (read after the streams, so a row published meanwhile is folded
 * twice at worst, which the fold absorbs).
 */
async function foldInTransit(db: Client, service: string, prefixes: string[], stats: HistoryStats, apply: Apply): Promise<void> {
  const { rows } = await db.query<{ id: string; subject: string; payload: string }>(
    `SELECT id::text AS id, subject, payload::text AS payload FROM outbox
     WHERE published_at IS NULL AND subject ^@ ANY ($1::text[]) ORDER BY id`,
    [prefixes],
  );
  for (const row of rows) {
    const decoded = decodeEvent(Buffer.from(row.payload), row.subject);
    if (!decoded.ok) skip(stats, { stream: `outbox (${service})`, seq: null, outboxId: row.id, subject: row.subject, reason: decoded.reason });
    else {
      stats.fromOutbox++;
      apply(decoded.value, () => `outbox row ${row.id} (not yet published)`);
    }
  }
}

/**
 * account.opened (ACCOUNTS) and every customer.created and customer.sealed (CUSTOMERS,
 * whoever published it: trust comes from the stream, never from the `source` field);
 * with `outcomes`, every account.validated and account.rejected too.
 */
export async function loadAccountsHistory(ctx: ReplayContext, options: LoadOptions = {}): Promise<{ history: AccountsHistory; stats: HistoryStats }> {
  const history = new AccountsHistory();
  const stats = newStats();
  const { outcomes } = options;
  const apply: Apply = (e, where) => {
    const fact = factOf(e);
    if (fact) history.add(fact);
    else if (outcomes && (e.type === 'account.validated' || e.type === 'account.rejected')) {
      const at = e.type === 'account.validated' ? e.data.validatedAt : e.data.rejectedAt;
      outcomes({ type: e.type, eventId: e.id, accountId: e.data.accountId, customerId: e.data.customerId, at, place: where() });
      stats.outcomes++;
      return;
    } else return;
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
      { stream: streams.accounts.name, filter: outcomes ? 'account.>' : 'account.opened.>' },
      { stream: streams.customers.name, filter: 'customer.>' },
    ],
    stats,
    apply,
    options.outbox,
    take,
  );
  const inTransit = outcomes ? ['account.opened.', 'account.validated.', 'account.rejected.'] : ['account.opened.'];
  await foldInTransit(await ctx.database('accounts'), 'accounts', inTransit, stats, apply);
  return { history, stats };
}

/**
 * Every customer.created and customer.sealed on CUSTOMERS, which only the customer service
 * may publish (the NATS roles in deploy/ enforce it): trust comes from the stream, never
 * from the `source` field, which any publisher chooses.
 */
export async function loadCustomersHistory(ctx: ReplayContext, options: LoadOptions = {}): Promise<{ history: CustomersHistory; stats: HistoryStats }> {
  const history = new CustomersHistory();
  const stats = newStats();
  const apply: Apply = (e) => {
    if (e.type === 'customer.sealed') history.add({ eventId: e.id, customerId: e.data.customerId, sealedAt: e.data.sealedAt });
    else if (e.type === 'customer.created')
      history.add({ eventId: e.id, customerId: e.data.customerId, name: e.data.name, email: e.data.email, createdAt: e.time });
    else return;
    stats.folded++;
  };
  await readSources(ctx, [{ stream: streams.customers.name, filter: 'customer.>' }], stats, apply, options.outbox);
  await foldInTransit(await ctx.database('customers'), 'customers', ['customer.'], stats, apply);
  return { history, stats };
}
