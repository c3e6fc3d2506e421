/**
 * The order-insensitivity properties, parameterised by the join under test so that the
 * very same functions run against the real `evolve` and against the broken joins.
 * Each function returns normally when the property holds and throws a readable
 * `PropertyViolation` naming the arrival order when it does not.
 */
import { Account, AccountFact, AccountsState, evolve, initialState } from '@calm/folds';
import { ReorderFact, show, showAll, tick } from './facts';
import { oracle } from './oracle';

/**
 * An `evolve`-like implementation over some store: the in-memory model, a broken model,
 * or PostgreSQL through the service's real statements (sql-join.ts). One suite, several
 * stores, as emmett runs one feature suite against an in-memory and a PostgreSQL store.
 */
export interface Join<S, F extends ReorderFact = AccountFact> {
  name: string;
  initialState: () => S | Promise<S>;
  /** Applies one fact; answers the accounts whose outcome it decided, valid or rejected (what the rest of the world is told). */
  evolve: (state: S, fact: F) => Account[] | Promise<Account[]>;
  accounts: (state: S) => ReadonlyMap<string, Account> | Promise<ReadonlyMap<string, Account>>;
  /** Marks the state; the answer goes back to the mark (any number of times). SQL: SAVEPOINT. */
  savepoint: (state: S) => Promise<() => Promise<void>>;
  /** Releases the state (SQL: rolls its transaction back). */
  dispose?: (state: S) => void | Promise<void>;
}

/** A join over a state of plain Maps and arrays: its savepoint is a copy. */
export function memoryJoin<S extends object, F extends ReorderFact = AccountFact>(join: Omit<Join<S, F>, 'savepoint'>): Join<S, F> {
  return {
    ...join,
    savepoint: async (state) => {
      const copy = structuredClone(state);
      return async () => void Object.assign(state, structuredClone(copy));
    },
  };
}

export const realJoin: Join<AccountsState> = memoryJoin({ name: 'account.ts', initialState, evolve, accounts: (state) => state.accounts });

export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

/** What the rest of the world sees: the final accounts, and the account.validated / account.rejected reports, copied when emitted. */
interface Run {
  accounts: ReadonlyMap<string, Account>;
  reports: Account[];
}

const copyAccounts = (accounts: ReadonlyMap<string, Account>): Map<string, Account> => new Map([...accounts].map(([id, a]) => [id, { ...a }]));

async function apply<S, F extends ReorderFact>(join: Join<S, F>, state: S, facts: readonly F[], reports: Account[] = []): Promise<Account[]> {
  for (const fact of facts) for (const account of await join.evolve(state, fact)) reports.push({ ...account });
  return reports;
}

async function run<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]): Promise<Run> {
  const state = await join.initialState();
  try {
    const reports = await apply(join, state, arrival);
    return { accounts: copyAccounts(await join.accounts(state)), reports };
  } finally {
    await join.dispose?.(state);
  }
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
export async function agreesWithOracle<S, F extends ReorderFact>(
  join: Join<S, F>,
  arrival: readonly F[],
  expected: ReadonlyMap<string, Account> = oracle(arrival),
  options: OracleOptions = {},
): Promise<void> {
  checkOutcome(join.name, arrival, await run(join, arrival), expected, options);
}

/** The oracle comparison of one finished run (also used by the order tree, which builds runs itself). */
export function checkOutcome(
  name: string,
  arrival: readonly ReorderFact[],
  { accounts: actual, reports }: Run,
  expected: ReadonlyMap<string, Account>,
  options: OracleOptions = {},
): void {
  const fail: (what: string) => never = (what) => {
    throw new PropertyViolation(`[${name}] ${what}\n  arrival: ${showAll(arrival)}`);
  };
  if (snapshot(actual) !== expectedSnapshot(expected)) fail(`final state differs from the oracle: ${diff(expected, actual)}`);
  const seen = new Map<string, string[]>();
  for (const report of reports) {
    seen.set(report.accountId, [...(seen.get(report.accountId) ?? []), report.status]);
    const should = expected.get(report.accountId);
    if (should === undefined || should.status === 'pending') fail(`reported ${report.accountId} ${report.status}, but the oracle says ${showAccount(should)}`);
    if (report.customerId !== should.customerId || report.status !== should.status)
      fail(`report ${showAccount(report)} for ${report.accountId}, oracle ${showAccount(should)}`);
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
 * Commutativity at every adjacent pair: after each prefix, applying arrival[i], arrival[i+1]
 * in either order leaves the same accounts and reports the same accounts. One pass over
 * the arrival: the prefix is applied once, each swap is tried from a savepoint.
 */
export async function commutesEverywhere<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]): Promise<void> {
  const state = await join.initialState();
  try {
    for (let i = 0; i + 1 < arrival.length; i++) {
      const x: F = arrival[i];
      const y: F = arrival[i + 1];
      const back = await join.savepoint(state);
      const both = async (first: F, second: F): Promise<Run> => {
        const reports = await apply(join, state, [first, second]);
        const accounts = copyAccounts(await join.accounts(state));
        await back();
        return { accounts, reports };
      };
      const [xy, yx] = [await both(x, y), await both(y, x)];
      const ids = (r: Run): string =>
        r.reports
          .map((a) => `${a.accountId}:${a.status}`)
          .sort()
          .join(',');
      if (snapshot(xy.accounts) !== snapshot(yx.accounts) || ids(xy) !== ids(yx)) {
        throw new PropertyViolation(
          `[${join.name}] ${show(x)} and ${show(y)} do not commute after ${showAll(arrival.slice(0, i))}: ` +
            `${diff(xy.accounts, yx.accounts) || 'same state'}; reports [${ids(xy)}] vs [${ids(yx)}]`,
        );
      }
      await join.evolve(state, x);
    }
  } finally {
    await join.dispose?.(state);
  }
}

/**
 * Idempotence: at every point of the fold, applying again any fact already applied
 * changes no account and reports nothing. One pass suffices: a repeat that holds is a
 * no-op, so the fold carries on from the same state.
 */
export async function idempotentEverywhere<S, F extends ReorderFact>(join: Join<S, F>, arrival: readonly F[]): Promise<void> {
  const state = await join.initialState();
  try {
    const applied: F[] = [];
    const keys = new Set<string>();
    for (let n = 0; n < arrival.length; n++) {
      const fact = arrival[n];
      await join.evolve(state, fact);
      const key = JSON.stringify(fact);
      if (!keys.has(key)) applied.push(fact);
      keys.add(key);
      let before = snapshot(await join.accounts(state));
      for (const again of applied) {
        const reports = await join.evolve(state, again);
        const after = snapshot(await join.accounts(state));
        if (before !== after || reports.length > 0) {
          const seen = arrival.slice(0, n + 1);
          throw new PropertyViolation(
            `[${join.name}] applying ${show(again)} again after ${showAll(seen)} ` +
              `${before !== after ? `changed the state: ${diffText(before, after)}` : `re-reported ${reports.map((a) => a.accountId).join(',')}`}`,
          );
        }
        before = after;
      }
    }
  } finally {
    await join.dispose?.(state);
  }
}

const diffText = (before: string, after: string): string => {
  const [b, a] = [new Set(before.split('\n')), new Set(after.split('\n'))];
  return `${[...b].filter((l) => !a.has(l)).join(' ')} -> ${[...a].filter((l) => !b.has(l)).join(' ')}`;
};
