/**
 * Deliberately wrong joins, each a mistake that passes a happy-path test, for the
 * self-check: the properties must catch every one of them. They share a plain state
 * (accounts, earliest creation time per customer) and differ only where they go wrong.
 */
import { Account, AccountFact, CustomerCreatedFact, join } from '@calm/folds';
import { Join, memoryJoin } from './properties';
import { BLOCKED_TYPE } from './oracle';
import type { ReorderFact } from './facts';

export interface PlainState {
  accounts: Map<string, Account>;
  customers: Map<string, string>;
  /** Earliest seal time per customer: every join here handles seals correctly (the timeout join aside). */
  seals: Map<string, string>;
  /** Used by the counting join and the non-monotone join only. */
  counts: Map<string, number>;
  types: Map<string, string>;
  /** Used by the local-timeout join only: how many facts each pending account has waited. */
  waited: Map<string, number>;
}

const plainState = (): PlainState => ({ accounts: new Map(), customers: new Map(), seals: new Map(), counts: new Map(), types: new Map(), waited: new Map() });
const accountsOf = (state: PlainState, customerId: string): Account[] => [...state.accounts.values()].filter((a) => a.customerId === customerId);
const earliest = (known: string | undefined, t: string): string => (known === undefined || Date.parse(t) < Date.parse(known) ? t : known);

/** Opens the account with the join evaluated against `customerCreatedAt`; reports it if valid. Ignores repeats. */
function openWith(state: PlainState, data: Extract<AccountFact, { type: 'account.opened' }>['data'], customerCreatedAt: string | undefined): Account[] {
  if (state.accounts.has(data.accountId)) return [];
  const account: Account = { ...data, ...join(data.openedAt, customerCreatedAt, state.seals.get(data.customerId)) };
  state.accounts.set(account.accountId, account);
  return account.status === 'pending' ? [] : [account];
}

/** Re-evaluates the accounts of a customer with `createdAt`; reports those whose outcome it decided. */
function validateWith(state: PlainState, customerId: string, createdAt: string | undefined, reportAll = false): Account[] {
  const reports: Account[] = [];
  for (const account of accountsOf(state, customerId)) {
    const was = account.status;
    Object.assign(account, join(account.openedAt, createdAt, state.seals.get(customerId)));
    if (account.status !== 'pending' && (account.status !== was || reportAll)) reports.push(account);
  }
  return reports;
}

/** The seal path done right (earliest seal wins, the customer's accounts joined again), shared by the joins broken elsewhere. */
function sealWith(state: PlainState, customerId: string, sealedAt: string): Account[] {
  state.seals.set(customerId, earliest(state.seals.get(customerId), sealedAt));
  return validateWith(state, customerId, state.customers.get(customerId));
}

type CreatedOrOpened = Exclude<AccountFact, { type: 'customer.sealed' }>;

const plainJoin = (name: string, evolve: (state: PlainState, fact: CreatedOrOpened) => Account[]): Join<PlainState> =>
  memoryJoin({
    name,
    initialState: plainState,
    evolve: (state, fact) => (fact.type === 'customer.sealed' ? sealWith(state, fact.data.customerId, fact.data.sealedAt) : evolve(state, fact)),
    accounts: (state) => state.accounts,
  });

/** (a) The join runs only on the account path: a customer arriving later never validates anything. */
export const joinOnlyWhenOpened = plainJoin('join only when opened', (state, fact) => {
  if (fact.type === 'account.opened') return openWith(state, fact.data, state.customers.get(fact.data.customerId));
  state.customers.set(fact.data.customerId, earliest(state.customers.get(fact.data.customerId), fact.data.createdAt));
  return [];
});

/** (b) The join runs only on the customer path: an account opened for a known customer stays pending. */
export const joinOnlyWhenCustomerArrives = plainJoin('join only when the customer arrives', (state, fact) => {
  if (fact.type === 'account.opened') return openWith(state, fact.data, undefined);
  const createdAt = earliest(state.customers.get(fact.data.customerId), fact.data.createdAt);
  state.customers.set(fact.data.customerId, createdAt);
  return validateWith(state, fact.data.customerId, createdAt);
});

/** (c1) A counter is not a set: "the customer exists" read as "exactly one customer.created seen". */
export const countingCreations = plainJoin('counts customer.created, valid when count == 1', (state, fact) => {
  const customerId = fact.data.customerId;
  const known = (state.counts.get(customerId) ?? 0) === 1 ? state.customers.get(customerId) : undefined;
  if (fact.type === 'account.opened') return openWith(state, fact.data, known);
  state.counts.set(customerId, (state.counts.get(customerId) ?? 0) + 1);
  state.customers.set(customerId, earliest(state.customers.get(customerId), fact.data.createdAt));
  return state.counts.get(customerId) === 1 ? validateWith(state, customerId, state.customers.get(customerId)) : [];
});

/** (c2) Right state, wrong output: every customer.created (duplicates too) reports its accounts again. */
export const reportingEachDuplicate = plainJoin('reports validation on each duplicate', (state, fact) => {
  if (fact.type === 'account.opened') return openWith(state, fact.data, state.customers.get(fact.data.customerId));
  const createdAt = earliest(state.customers.get(fact.data.customerId), fact.data.createdAt);
  state.customers.set(fact.data.customerId, createdAt);
  return validateWith(state, fact.data.customerId, createdAt, true);
});

/** (d) Last writer wins: the latest-arriving customer.created overwrites status and validatedAt. */
export const lastWriterWins = plainJoin('last-writer-wins status', (state, fact) => {
  if (fact.type === 'account.opened') return openWith(state, fact.data, state.customers.get(fact.data.customerId));
  state.customers.set(fact.data.customerId, fact.data.createdAt);
  return validateWith(state, fact.data.customerId, fact.data.createdAt);
});

/** How many facts a shell waits before the timeout join gives up on it (its "grace"). */
export const LOCAL_GRACE_FACTS = 2;

/**
 * (e) Where CALM ends, done wrong: the account service decides "this customer will never
 * come" by itself, rejecting a shell after a local timeout (here: LOCAL_GRACE_FACTS later
 * facts) without asking the owner, and a rejected account stays rejected. A customer.created
 * that was only late then arrives after the rejection: the account is rejected although
 * its customer exists. The real system never rejects without a seal from the owner.
 */
export const rejectsOnLocalTimeout = plainJoin('rejects a shell on a local timeout, without the owner', (state, fact) => {
  const reports: Account[] = [];
  for (const account of state.accounts.values()) {
    if (account.status !== 'pending') continue;
    const waited = (state.waited.get(account.accountId) ?? 0) + 1;
    state.waited.set(account.accountId, waited);
    if (waited > LOCAL_GRACE_FACTS) reports.push(Object.assign(account, { status: 'rejected' as const, rejectedAt: account.openedAt }));
  }
  if (fact.type === 'account.opened') return [...reports, ...openWith(state, fact.data, state.customers.get(fact.data.customerId))];
  const createdAt = earliest(state.customers.get(fact.data.customerId), (fact as CustomerCreatedFact).data.createdAt);
  state.customers.set(fact.data.customerId, createdAt);
  // The bug's second half: a rejected account is final here, so only pending ones are joined.
  const pending = accountsOf(state, fact.data.customerId).filter((a) => a.status === 'pending');
  for (const account of pending) reports.push(Object.assign(account, join(account.openedAt, createdAt)));
  return reports;
});

export const brokenJoins: ReadonlyArray<Join<PlainState>> = [
  joinOnlyWhenOpened,
  joinOnlyWhenCustomerArrives,
  countingCreations,
  reportingEachDuplicate,
  lastWriterWins,
  rejectsOnLocalTimeout,
];

/**
 * NOT a bug to fix but a rule outside CALM: "valid unless the customer's type is X".
 * It is written as well as an uncoordinated consumer can be: both paths evaluate the
 * join, a retype re-evaluates (and retracts) the customer's accounts, repeats are no-ops.
 * Its final state even converges here (types only ever move to X), but its output does
 * not: `valid` was published before `retyped(c,X)` arrived in some orders and not in
 * others, and a published account.validated cannot be taken back. "NOT retyped" is a
 * question about the absence of a fact, which no finite prefix of the stream can answer;
 * CALM's guarantee (order-insensitive without coordination) covers monotone rules only.
 * Making this safe needs coordination: a seal ("no more type changes for c before T"),
 * or never publishing validity before the customer's type is final.
 */
export const validUnlessTypeX: Join<PlainState, ReorderFact> = memoryJoin<PlainState, ReorderFact>({
  name: 'valid unless the customer type is X (non-monotone)',
  initialState: plainState,
  accounts: (state) => state.accounts,
  evolve(state, fact) {
    const customerId = fact.data.customerId;
    const effective = (): string | undefined => (state.types.get(customerId) === BLOCKED_TYPE ? undefined : state.customers.get(customerId));
    switch (fact.type) {
      case 'account.opened':
        return openWith(state, fact.data, effective());
      case 'customer.created':
        state.customers.set(customerId, earliest(state.customers.get(customerId), fact.data.createdAt));
        return validateWith(state, customerId, effective());
      case 'customer.retyped':
        state.types.set(customerId, fact.data.customerType);
        return validateWith(state, customerId, effective());
      case 'customer.sealed':
        return sealWith(state, customerId, fact.data.sealedAt);
      default: {
        const unreachable: never = fact;
        throw new Error(`unknown fact ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
