/**
 * The account domain: three kinds of fact and the join over them, with two outcomes.
 *
 *   valid(account)    <- opened(account, customer) AND created(customer)
 *   rejected(account) <- opened(account, customer) AND sealed(customer)
 *
 * CALM argument: the facts only ever accumulate (a set of opened accounts, a set of
 * created customers with the earliest creation time seen, a set of sealed customer ids
 * with the earliest seal time), and each outcome is a monotone query over them: adding a
 * fact can turn `pending` into `valid` or `rejected` but never back. A monotone program
 * over growing sets reaches the same fixpoint whatever the order, duplication or delay
 * of its inputs, so no coordination between the two services is needed. The only
 * non-monotone step, "the customer is NOT known yet, so stay pending", is made safe by
 * evaluating the join again on the other paths (customer created, customer sealed) and,
 * in the database, by serialising the paths per customer id (see account.store.ts).
 *
 * Where CALM ends (docs/shells.md): `sealed(c)` is itself the answer to a non-monotone
 * question, "will c EVER be created?", which no finite prefix of the stream can answer.
 * The account service never decides it; the owner does, once per id, in one row of the
 * customer database (the point of order), and guarantees that no id is both created and
 * sealed. Given that guarantee the two outcomes are exclusive and `rejected` is as
 * monotone as `valid`. A history that breaks it (a third party publishing customer.created
 * for a sealed id) still folds to one state in every order: `valid` wins, because a
 * validation is never retracted; the account.rejected already published stays published.
 */

export type AccountStatus = 'pending' | 'valid' | 'rejected';

export interface Account {
  accountId: string;
  customerId: string;
  currency: string;
  status: AccountStatus;
  openedAt: string;
  validatedAt: string | null;
  rejectedAt: string | null;
}

export interface AccountOpenedFact {
  type: 'account.opened';
  data: { accountId: string; customerId: string; currency: string; openedAt: string };
}

export interface CustomerCreatedFact {
  type: 'customer.created';
  data: { customerId: string; createdAt: string };
}

export interface CustomerSealedFact {
  type: 'customer.sealed';
  data: { customerId: string; sealedAt: string };
}

export type AccountFact = AccountOpenedFact | CustomerCreatedFact | CustomerSealedFact;

/** Folded state: accounts by id, the earliest creation time of each known customer, the earliest seal time of each sealed one. */
export interface AccountsState {
  accounts: Map<string, Account>;
  customers: Map<string, string>;
  seals: Map<string, string>;
  /** Index: account ids by customer id, so the customer paths of the join are not a scan. */
  accountsByCustomer: Map<string, string[]>;
}

export const initialState = (): AccountsState => ({ accounts: new Map(), customers: new Map(), seals: new Map(), accountsByCustomer: new Map() });

// Stryker disable next-line EqualityOperator: times are canonical, so equal instants are equal strings and either may be kept
const earlier = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);
// Stryker disable next-line EqualityOperator: as above
const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * The join itself: given when an account was opened, the earliest known creation time
 * of its customer and the earliest seal time of its id (if any), its outcome. Each time
 * is the later of the two facts that decided it: a function of the facts alone, not of
 * arrival order. `valid` wins over `rejected` (see the header: only a history that breaks
 * the owner's guarantee holds both).
 */
export function join(
  openedAt: string,
  customerCreatedAt: string | undefined,
  customerSealedAt?: string,
): Pick<Account, 'status' | 'validatedAt' | 'rejectedAt'> {
  if (customerCreatedAt !== undefined) return { status: 'valid', validatedAt: later(openedAt, customerCreatedAt), rejectedAt: null };
  if (customerSealedAt !== undefined) return { status: 'rejected', validatedAt: null, rejectedAt: later(openedAt, customerSealedAt) };
  return { status: 'pending', validatedAt: null, rejectedAt: null };
}

/**
 * Two `account.opened` facts for one account id can only disagree if a producer broke
 * the REST idempotency rule; even then the fold must not depend on order, so the
 * smallest (openedAt, customerId, currency) wins, a choice that commutes.
 */
function preferredOpening(a: AccountOpenedFact['data'], b: AccountOpenedFact['data']): AccountOpenedFact['data'] {
  const ka = [Date.parse(a.openedAt), a.customerId, a.currency];
  const kb = [Date.parse(b.openedAt), b.customerId, b.currency];
  // Stryker disable next-line EqualityOperator: one index past the end compares undefined with undefined; `<` and `<=` differ only on equal keys, which the `!==` guard skips
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? a : b;
  return a;
}

/**
 * Applies one fact to the state in place and returns snapshots of the accounts whose
 * outcome it decided (pending to valid or rejected; in a history that breaks the owner's
 * guarantee, rejected to valid). Applying a fact twice is a no-op the second time.
 *
 * Two limits, both pinned by test/reorder/known-gaps.spec.ts:
 * - each account is reported at most once as long as its openings agree, which the
 *   REST idempotency rule guarantees (a conflicting repeat answers 409 and emits nothing);
 * - a report carries `validatedAt` / `rejectedAt` as known at that moment: a later fact
 *   with an EARLIER time lowers it (a monotone min) but is not reported again, because
 *   there is exactly one account.validated or account.rejected per account.
 */
export function evolve(state: AccountsState, fact: AccountFact): Account[] {
  switch (fact.type) {
    case 'account.opened': {
      const existing = state.accounts.get(fact.data.accountId);
      const opening = existing ? preferredOpening(existing, fact.data) : fact.data;
      const account: Account = { ...opening, ...join(opening.openedAt, state.customers.get(opening.customerId), state.seals.get(opening.customerId)) };
      state.accounts.set(account.accountId, account);
      // Stryker disable next-line ConditionalExpression: re-indexing under the same customer keeps the same ids (only their order, and so the order of one fact's reports, changes)
      if (existing?.customerId !== account.customerId) {
        if (existing) unindex(state, existing);
        const ids = state.accountsByCustomer.get(account.customerId);
        if (ids) ids.push(account.accountId);
        else state.accountsByCustomer.set(account.customerId, [account.accountId]);
      }
      return decided(existing?.status ?? 'pending', account);
    }
    case 'customer.created':
      return rejoin(state, fact.data.customerId, state.customers, fact.data.createdAt);
    case 'customer.sealed':
      return rejoin(state, fact.data.customerId, state.seals, fact.data.sealedAt);
    default: {
      const unreachable: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A report when the account's outcome moved (never for `pending`, never twice for one outcome). */
// Stryker disable next-line ConditionalExpression: a status never returns to pending, so `status !== was` alone decides
const decided = (was: AccountStatus, account: Account): Account[] => (account.status !== 'pending' && account.status !== was ? [{ ...account }] : []);

/** Records a customer fact (earliest time wins: a monotone min) and joins that customer's accounts again. */
function rejoin(state: AccountsState, customerId: string, times: Map<string, string>, at: string): Account[] {
  const known = times.get(customerId);
  const earliest = known === undefined ? at : earlier(known, at);
  // Stryker disable next-line ConditionalExpression: an unchanged time joins to the same outcomes and reports nothing; the early return only saves the work
  if (earliest === known) return [];
  times.set(customerId, earliest);
  const reports: Account[] = [];
  for (const accountId of state.accountsByCustomer.get(customerId) ?? []) {
    const account = state.accounts.get(accountId)!;
    const was = account.status;
    Object.assign(account, join(account.openedAt, state.customers.get(customerId), state.seals.get(customerId)));
    reports.push(...decided(was, account));
  }
  return reports;
}

function unindex(state: AccountsState, account: Account): void {
  // Stryker disable next-line ArrayDeclaration: an opened account is always indexed under its customer, so the fallback is never taken
  const ids = (state.accountsByCustomer.get(account.customerId) ?? []).filter((id) => id !== account.accountId);
  if (ids.length) state.accountsByCustomer.set(account.customerId, ids);
  else state.accountsByCustomer.delete(account.customerId);
}

export function fold(facts: Iterable<AccountFact>, state: AccountsState = initialState()): AccountsState {
  for (const fact of facts) evolve(state, fact);
  return state;
}
