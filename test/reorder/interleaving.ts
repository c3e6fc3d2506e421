/**
 * The two paths of the join for ONE customer, on two connections, stepped statement by
 * statement in a chosen interleaving: the account path (the one statement the service
 * sends for a POST, a call of open_accounts, which takes the customer's lock inside and
 * runs as one implicit transaction) and the customer path (BEGIN, claim, lock, join,
 * events, COMMIT, exactly as runCustomerFacts sends them).
 *
 * A statement that waits for a lock cannot finish before the other connection moves on:
 * the stepper sees it waiting (pg_stat_activity says so: a state, not a timeout) and
 * runs the other connection's next statement instead. So each nominal interleaving runs
 * as the schedule PostgreSQL allows, and the schedules actually run are recorded.
 */
import { Client } from 'pg';
import { customerCreated } from '@calm/contracts';
import { Sql, queryNamed, sql } from '@calm/pg';
import { ValidatedRow, customersCreatedStatements, outcomeEventsSql } from '../../apps/accounts/src/persistence/customer-facts.sql';
import { openAccountsSql, openMember } from '../../apps/accounts/src/persistence/open-accounts-batch.sql';

export type Side = 'A' | 'B';

/** Every sequence of `a` A's and `b` B's: C(a + b, a) of them. */
export function* interleavings(a: number, b: number, prefix: Side[] = []): Generator<Side[]> {
  if (a === 0 && b === 0) yield prefix;
  if (a > 0) yield* interleavings(a - 1, b, [...prefix, 'A']);
  if (b > 0) yield* interleavings(a, b - 1, [...prefix, 'B']);
}

/** One statement to run: built when its turn comes (the events depend on what `join` answered). */
type Step = { label: string; statement: () => Sql };

export interface Scenario {
  accountId: string;
  customerId: string;
  openedAt: Date;
  createdAt: string;
  eventId: string;
}

/** The account path: a group commit of one member, the very call the service sends (its lock is inside open_accounts). */
export function accountSteps(s: Scenario): Step[] {
  const open = openAccountsSql([openMember({ accountId: s.accountId, customerId: s.customerId, currency: 'EUR' }, s.openedAt)]);
  return [{ label: 'open_accounts', statement: () => open }];
}

export function customerSteps(s: Scenario, joined: { rows: ValidatedRow[] }): Step[] {
  const event = { ...customerCreated({ customerId: s.customerId, name: 'N', email: 'n@example.com' }, s.createdAt, '/interleave'), id: s.eventId };
  const { claim, lock, join } = customersCreatedStatements([event]);
  return [
    { label: 'begin', statement: () => sql`BEGIN` },
    { label: 'claim', statement: () => claim },
    { label: 'lock', statement: () => lock },
    { label: 'join', statement: () => join },
    { label: 'events', statement: () => outcomeEventsSql(joined.rows, new Date(s.createdAt)) ?? sql`SELECT 'no account changed'` },
    { label: 'commit', statement: () => sql`COMMIT` },
  ];
}

interface Lane {
  side: Side;
  client: Client;
  pid: number;
  steps: Step[];
  next: number;
  inFlight?: { label: string; done: boolean; result: Promise<unknown> };
  onResult?: (label: string, rows: unknown[]) => void;
}

/** Whether the backend waits for a lock (heavyweight locks: advisory, row, transaction id). */
async function waitsForLock(observer: Client, pid: number): Promise<boolean> {
  const { rows } = await observer.query<{ w: string | null }>('SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1', [pid]);
  return rows[0]?.w === 'Lock';
}

/** Until the lane's statement finished ('done') or is seen waiting for a lock ('blocked'). */
async function settle(lane: Lane, observer: Client): Promise<'done' | 'blocked'> {
  const flight = lane.inFlight;
  if (!flight) return 'done';
  for (;;) {
    if (flight.done) {
      await flight.result; // rethrows a failed statement
      lane.inFlight = undefined;
      return 'done';
    }
    if (await waitsForLock(observer, lane.pid)) return 'blocked';
    await new Promise((r) => setImmediate(r));
  }
}

function issue(lane: Lane, trace: string[]): void {
  const step = lane.steps[lane.next++];
  trace.push(`${lane.side}.${step.label}`);
  const flight = { label: step.label, done: false, result: Promise.resolve() as Promise<unknown> };
  flight.result = queryNamed(lane.client, { s: step.statement() }).then(
    (r) => {
      flight.done = true;
      lane.onResult?.(step.label, r.s.rows);
    },
    (err: Error) => {
      flight.done = true;
      throw new Error(`${lane.side}.${step.label}: ${err.message}`);
    },
  );
  flight.result.catch(() => undefined); // awaited by settle
  lane.inFlight = flight;
}

/**
 * Runs one nominal interleaving. When the chosen side's last statement is still waiting
 * for a lock, the other side goes instead (PostgreSQL allows nothing else). Answers the
 * schedule actually run, e.g. "A.begin A.lock B.begin B.claim B.lock(waits) A.open ...".
 */
export async function runInterleaving(order: readonly Side[], lanes: Record<Side, Omit<Lane, 'next' | 'inFlight'>>, observer: Client): Promise<string> {
  const live: Record<Side, Lane> = { A: { ...lanes.A, next: 0 }, B: { ...lanes.B, next: 0 } };
  const trace: string[] = [];
  const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');
  const sides = ['A', 'B'] as const;
  /** Lets a side whose steps are all issued finish its last one (the lock holder's COMMIT). */
  // A lock released by a COMMIT is granted to the waiter a moment later; PostgreSQL's
  // deadlock detector ends a real cycle with an error, which settle() rethrows.
  const finishOthers = async (): Promise<void> => {
    for (const s of sides) if (live[s].inFlight && live[s].next === live[s].steps.length) await settle(live[s], observer);
    await new Promise((r) => setImmediate(r));
  };
  for (const wanted of order) {
    for (;;) {
      let chosen: Side | undefined;
      for (const s of [wanted, other(wanted)].filter((x) => live[x].next < live[x].steps.length)) {
        if ((await settle(live[s], observer)) === 'done') {
          chosen = s;
          break;
        }
        const flight = live[s].inFlight as { waits?: boolean };
        if (!flight.waits) trace.push(`(${s} waits)`);
        flight.waits = true;
      }
      if (chosen) {
        // Each statement runs until it is done or waits, before the next choice.
        issue(live[chosen], trace);
        if ((await settle(live[chosen], observer)) === 'blocked') trace.push(`(${chosen} waits)`);
        ((live[chosen].inFlight as { waits?: boolean } | undefined) ?? {}).waits = true;
        break;
      }
      await finishOthers();
    }
  }
  while (live.A.inFlight || live.B.inFlight) {
    for (const s of sides) if (live[s].inFlight) await settle(live[s], observer);
    await new Promise((r) => setImmediate(r));
  }
  return trace.join(' ');
}
