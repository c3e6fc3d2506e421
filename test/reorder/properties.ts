/**
 * The order-insensitivity properties, parameterised by the join under test so that the
 * very same functions run against the real `evolve` and against the broken joins.
 * Each function returns normally when the property holds and throws a readable
 * `PropertyViolation` naming the arrival order when it does not.
 */
import { Account, AccountFact, AccountsState, evolve, initialState } from '../../apps/accounts/src/domain/account';
import { ReorderFact, show, showAll, tick } from './facts';
import { oracle } from './oracle';

/** An `evolve`-like implementation: a mutable state, and the accounts each fact made valid. */
export interface Join<S, F extends ReorderFact = AccountFact> {
  name: string;
  initialState: () => S;
  evolve: (state: S, fact: F) => Account[];
  accounts: (state: S) => ReadonlyMap<string, Account>;
}

export const realJoin: Join<AccountsState> = { name: 'account.ts', initialState, evolve, accounts: (state) => state.accounts };

export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

/** What the rest of the world sees: the account.validated and account.rejected reports, copied when emitted. */
interface Run<S> {
  state: S;
  reports: Account[];
}

function run<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[], state = join.initialState()): Run<S> {
  const reports: Account[] = [];
  for (const fact of arrival) for (const account of join.evolve(state, fact)) reports.push({ ...account });
  return { state, reports };
}

const showAccount = (a: Account | undefined): string =>
  a === undefined
    ? 'absent'
    : `${a.status}(${a.customerId}${a.validatedAt === null ? '' : `,validatedAt t=${tick(a.validatedAt)}`}${a.rejectedAt === null ? '' : `,rejectedAt t=${tick(a.rejectedAt)}`})`;

/** A canonical text of the account table, for cheap equality and readable differences. */
const line = (a: Account | undefined): string =>
  a === undefined ? '' : `${a.accountId}:${a.customerId}:${a.currency}:${a.openedAt}:${a.status}:${a.validatedAt}:${a.rejectedAt}`;

export function snapshot(accounts: ReadonlyMap<string, Account>): string {
  return [...accounts.values()].map(line).sort().join('\n');
}

/** The oracle's snapshot, computed once when many orders of one history share it. */
const expectedSnapshots = new WeakMap<ReadonlyMap<string, Account>, string>();
function expectedSnapshot(expected: ReadonlyMap<string, Account>): string {
  let text = expectedSnapshots.get(expected);
  if (text === undefined) expectedSnapshots.set(expected, (text = snapshot(expected)));
  return text;
}

function diff(expected: ReadonlyMap<string, Account>, actual: ReadonlyMap<string, Account>): string {
  const ids = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  return ids
    .filter((id) => line(expected.get(id)) !== line(actual.get(id)))
    .map((id) => `${id}: expected ${showAccount(expected.get(id))}, got ${showAccount(actual.get(id))}`)
    .join('; ');
}

export interface OracleOptions {
  /** Also require each report to carry the final validatedAt / rejectedAt (see known-gaps.spec.ts). */
  reportsCarryFinalValidatedAt?: boolean;
}

/**
 * The main property: folding this arrival order gives the oracle's accounts, and the
 * reports name every valid account exactly once and nothing else.
 * `expected` may be passed in when many orders of one history are checked.
 */
export function agreesWithOracle<S, F extends ReorderFact>(
  join: Join<S, F>,
  arrival: readonly F[],
  expected: ReadonlyMap<string, Account> = oracle(arrival),
  options: OracleOptions = {},
): void {
  const { state, reports } = run(join, arrival);
  const actual = join.accounts(state);
  const fail: (what: string) => never = (what) => {
    throw new PropertyViolation(`[${join.name}] ${what}\n  arrival: ${showAll(arrival)}`);
  };
  if (snapshot(actual) !== expectedSnapshot(expected)) fail(`final state differs from the oracle: ${diff(expected, actual)}`);
  const seen = new Map<string, string[]>();
  for (const report of reports) {
    seen.set(report.accountId, [...(seen.get(report.accountId) ?? []), report.status]);
    const should = expected.get(report.accountId);
    if (should === undefined || should.status === 'pending') fail(`reported ${report.accountId} ${report.status}, but the oracle says ${showAccount(should)}`);
    if (report.customerId !== should.customerId || report.status !== should.status) fail(`report ${showAccount(report)} for ${report.accountId}, oracle ${showAccount(should)}`);
    if (options.reportsCarryFinalValidatedAt && (report.validatedAt !== should.validatedAt || report.rejectedAt !== should.rejectedAt)) {
      fail(`report for ${report.accountId} says ${showAccount(report)}, oracle ${showAccount(should)}`);
    }
  }
  for (const account of expected.values()) {
    const outcomes = seen.get(account.accountId) ?? [];
    if (new Set(outcomes).size > 1) fail(`${account.accountId} was reported both ${outcomes.join(' and ')}`);
    if (account.status !== 'pending' && outcomes.length !== 1) fail(`${account.accountId} is ${account.status} but was reported ${outcomes.length} times`);
  }
}

/**
 * Commutativity: after any prefix, applying arrival[i], arrival[i+1] in either order
 * leaves the same accounts and reports the same accounts.
 */
export function commutesAt<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[], i: number): void {
  const prefix = arrival.slice(0, i);
  const x = arrival[i];
  const y = arrival[i + 1];
  const xy = run<S, F>(join, [x, y], run(join, prefix).state);
  const yx = run<S, F>(join, [y, x], run(join, prefix).state);
  const ids = (r: Run<S>): string => r.reports.map((a) => a.accountId).sort().join(',');
  const [sxy, syx] = [snapshot(join.accounts(xy.state)), snapshot(join.accounts(yx.state))];
  if (sxy !== syx || ids(xy) !== ids(yx)) {
    throw new PropertyViolation(
      `[${join.name}] ${show(x)} and ${show(y)} do not commute after ${showAll(prefix)}: ` +
        `${diff(join.accounts(xy.state), join.accounts(yx.state)) || 'same state'}; reports [${ids(xy)}] vs [${ids(yx)}]`,
    );
  }
}

/** Commutativity at every adjacent pair of the arrival order (checking all pairs keeps shrinking simple). */
export function commutesEverywhere<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]): void {
  for (let i = 0; i + 1 < arrival.length; i++) commutesAt(join, arrival, i);
}

/**
 * Idempotence: at every point of the fold, applying again any fact already applied
 * changes no account and reports nothing. One pass suffices: a repeat that holds is a
 * no-op, so the fold carries on from the same state.
 */
export function idempotentEverywhere<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]): void {
  const state = join.initialState();
  const applied: F[] = [];
  const keys = new Set<string>();
  for (let n = 0; n < arrival.length; n++) {
    const fact = arrival[n];
    join.evolve(state, fact);
    const key = JSON.stringify(fact);
    if (!keys.has(key)) applied.push(fact);
    keys.add(key);
    for (const again of applied) {
      const before = snapshot(join.accounts(state));
      const reports = join.evolve(state, again);
      const after = snapshot(join.accounts(state));
      if (before !== after || reports.length > 0) {
        const seen = arrival.slice(0, n + 1);
        throw new PropertyViolation(
          `[${join.name}] applying ${show(again)} again after ${showAll(seen)} ` +
            `${before !== after ? `changed the state: ${diffText(before, after)}` : `re-reported ${reports.map((a) => a.accountId).join(',')}`}`,
        );
      }
    }
  }
}

const diffText = (before: string, after: string): string => {
  const [b, a] = [new Set(before.split('\n')), new Set(after.split('\n'))];
  return `${[...b].filter((l) => !a.has(l)).join(' ')} -> ${[...a].filter((l) => !b.has(l)).join(' ')}`;
};
