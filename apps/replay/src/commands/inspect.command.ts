import { JsMsg } from '@nats-io/jetstream';
import { KnownEvent, decodeEvent, streams, isUuid } from '@calm/contracts';
import { fold, initialState, CustomersState, evolveCustomers, isSealing, factOf } from '@calm/folds';
import { CliError, EXIT } from '../cli/cli-io';
import { ReplayContext } from '../cli/replay-context';
import { readStream } from '@calm/jetstream';
import { readAccount } from '../../../accounts/src';

interface Seen {
  stream: string;
  seq: number;
  storedAt: string;
  subject: string;
  event?: KnownEvent;
  error?: string;
}

async function eventsOn(ctx: ReplayContext, stream: string, filter: string): Promise<Seen[]> {
  const { js, jsm } = await ctx.natsConnection();
  const seen: Seen[] = [];
  await readStream(js, jsm, { stream, filterSubject: filter }, (m: JsMsg) => {
    const d = decodeEvent(m.data, m.subject);
    const storedAt = new Date(Math.floor(m.info.timestampNanos / 1_000_000)).toISOString();
    seen.push({ stream, seq: m.seq, storedAt, subject: m.subject, ...(d.ok ? { event: d.value } : { error: d.reason }) });
  });
  return seen;
}

function describe(s: Seen): string {
  const head = `${s.stream} seq ${s.seq} stored ${s.storedAt}`;
  if (!s.event) return `${head} ${s.subject} UNDECODABLE: ${s.error}`;
  return `${head} ${s.event.type} time=${s.event.time ?? '-'} id=${s.event.id} source=${s.event.source} data=${JSON.stringify(s.event.data)}`;
}

/** Every event about one account (and its customer), the state they fold to, and the live row. */
export async function inspectAccountCommand(ctx: ReplayContext, accountId: string): Promise<number> {
  if (!isUuid(accountId)) throw new CliError(`"${accountId}" is not a UUID`);
  const db = await ctx.database('accounts');
  const id = accountId.toLowerCase();
  const accountEvents = await eventsOn(ctx, streams.accounts.name, `account.*.${id}`);
  const liveAccount = await readAccount(db, id);
  const customerIds = new Set<string>(liveAccount ? [liveAccount.customerId] : []);
  for (const s of accountEvents) if (s.event?.type === 'account.opened') customerIds.add(s.event.data.customerId.toLowerCase());
  const customerEvents: Seen[] = [];
  for (const c of customerIds) customerEvents.push(...(await eventsOn(ctx, streams.customers.name, `customer.*.${c}`)));
  // decodeEvent gives canonical (lower-case) ids, so the facts name the accounts as the table does.
  const facts = [...accountEvents, ...customerEvents].flatMap((s) => (s.event ? (factOf(s.event) ?? []) : []));
  const f = fold(facts, initialState()).accounts.get(id);
  // Same key order as the service's readAccount (account.mapper.ts), so the two print (and compare) alike.
  const folded = f
    ? {
        accountId: f.accountId,
        customerId: f.customerId,
        currency: f.currency,
        status: f.status,
        openedAt: f.openedAt,
        validatedAt: f.validatedAt,
        rejectedAt: f.rejectedAt,
      }
    : null;
  const { rows: known } = await db.query(`SELECT customer_id, created_at FROM known_customer WHERE customer_id = ANY($1::uuid[])`, [[...customerIds]]);
  const { rows: dead } = await db.query(`SELECT id, subject, reason, retried_at FROM dead_letter WHERE subject = ANY($1::text[]) ORDER BY id`, [
    [...customerIds].flatMap((c) => [`customer.created.${c}`, `customer.sealed.${c}`]),
  ]);
  const equal = JSON.stringify(folded) === JSON.stringify(liveAccount);
  const { reporter } = ctx;
  reporter.line(`events (${accountEvents.length + customerEvents.length}):`);
  for (const s of [...accountEvents, ...customerEvents]) reporter.line(`  ${describe(s)}`);
  reporter.line(`folded: ${JSON.stringify(folded)}`);
  reporter.line(`live:   ${JSON.stringify(liveAccount)}`);
  reporter.line(`known_customer: ${JSON.stringify(known.map((k) => ({ customerId: k.customer_id, createdAt: k.created_at.toISOString() })))}`);
  for (const d of dead) reporter.line(`dead letter #${d.id} ${d.subject}${d.retried_at ? ' (retried)' : ''}: ${d.reason}`);
  reporter.line(equal ? 'live row equals the fold' : 'live row DIFFERS from the fold');
  reporter.result({
    command: 'inspect account',
    accountId: id,
    events: [...accountEvents, ...customerEvents],
    folded,
    live: liveAccount,
    knownCustomers: known,
    deadLetters: dead,
    equal,
  });
  return equal ? EXIT.ok : EXIT.differences;
}

/**
 * Every customer.created and customer.sealed for one customer on CUSTOMERS (the owner's
 * stream: trusted by where it is, never by its `source` field), the customer fold, and the live row.
 */
export async function inspectCustomerCommand(ctx: ReplayContext, customerId: string): Promise<number> {
  if (!isUuid(customerId)) throw new CliError(`"${customerId}" is not a UUID`);
  const id = customerId.toLowerCase();
  const events = await eventsOn(ctx, streams.customers.name, `customer.*.${id}`);
  const state: CustomersState = new Map();
  for (const s of events) {
    if (s.event?.type === 'customer.created')
      evolveCustomers(state, { eventId: s.event.id, customerId: id, name: s.event.data.name, email: s.event.data.email, createdAt: s.event.time });
    if (s.event?.type === 'customer.sealed') evolveCustomers(state, { eventId: s.event.id, customerId: id, sealedAt: s.event.data.sealedAt });
  }
  const f = state.get(id);
  const folded = !f ? null : isSealing(f) ? { customerId: id, sealedAt: f.sealedAt } : { customerId: id, name: f.name, email: f.email, createdAt: f.createdAt };
  const { rows } = await (
    await ctx.database('customers')
  ).query(`SELECT customer_id, name, email, created_at, sealed_at FROM customer WHERE customer_id = $1`, [id]);
  const r = rows[0];
  const live = !r
    ? null
    : r.sealed_at
      ? { customerId: r.customer_id, sealedAt: r.sealed_at.toISOString() }
      : { customerId: r.customer_id, name: r.name, email: r.email, createdAt: r.created_at.toISOString() };
  const equal = JSON.stringify(folded) === JSON.stringify(live);
  const { reporter } = ctx;
  reporter.line(`events (${events.length}):`);
  for (const s of events) reporter.line(`  ${describe(s)}`);
  reporter.line(`folded: ${JSON.stringify(folded)}`);
  reporter.line(`live:   ${JSON.stringify(live)}`);
  reporter.line(equal ? 'live row equals the fold' : 'live row DIFFERS from the fold');
  reporter.result({ command: 'inspect customer', customerId: id, events, folded, live, equal });
  return equal ? EXIT.ok : EXIT.differences;
}
