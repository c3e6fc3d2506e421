/**
 * The account domain: two kinds of fact and the monotonic join over them.
 *
 *   valid(account) <- opened(account, customer) AND created(customer)
 *
 * CALM argument: both facts only ever accumulate (a set of opened accounts, a set of
 * created customers with the earliest creation time seen), and the join is a monotone
 * query over them: adding a fact can turn `pending` into `valid` but never back. A
 * monotone program over growing sets reaches the same fixpoint whatever the order,
 * duplication or delay of its inputs, so no coordination between the two services is
 * needed. The only non-monotone step, "the customer is NOT known yet, so stay pending",
 * is made safe by evaluating the join again on the other path (customer seen) and, in the
 * database, by serialising the two paths per customer id (see account-store.ts).
 */

export type AccountStatus = 'pending' | 'valid';

export interface Account {
  accountId: string;
  customerId: string;
  currency: string;
  status: AccountStatus;
  openedAt: string;
  validatedAt: string | null;
}

export interface AccountOpenedFact {
  type: 'account.opened';
  data: { accountId: string; customerId: string; currency: string; openedAt: string };
}

export interface CustomerCreatedFact {
  type: 'customer.created';
  data: { customerId: string; createdAt: string };
}

export type AccountFact = AccountOpenedFact | CustomerCreatedFact;

/** Folded state: accounts by id, and the earliest creation time of each known customer. */
export interface AccountsState {
  accounts: Map<string, Account>;
  customers: Map<string, string>;
  /** Index: account ids by customer id, so the customer path of the join is not a scan. */
  accountsByCustomer: Map<string, string[]>;
}

export const initialState = (): AccountsState => ({ accounts: new Map(), customers: new Map(), accountsByCustomer: new Map() });

const earlier = (a: string, b: string): string => (Date.parse(a) <= Date.parse(b) ? a : b);
const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * The join itself: given when an account was opened and the earliest known creation
 * time of its customer (if any), its status and validation time. `validatedAt` is the
 * later of the two facts, a function of the facts alone and not of arrival order.
 */
export function join(openedAt: string, customerCreatedAt: string | undefined): Pick<Account, 'status' | 'validatedAt'> {
  if (customerCreatedAt === undefined) return { status: 'pending', validatedAt: null };
  return { status: 'valid', validatedAt: later(openedAt, customerCreatedAt) };
}

/**
 * Two `account.opened` facts for one account id can only disagree if a producer broke
 * the REST idempotency rule; even then the fold must not depend on order, so the
 * smallest (openedAt, customerId, currency) wins, a choice that commutes.
 */
function preferredOpening(a: AccountOpenedFact['data'], b: AccountOpenedFact['data']): AccountOpenedFact['data'] {
  const ka = [Date.parse(a.openedAt), a.customerId, a.currency];
  const kb = [Date.parse(b.openedAt), b.customerId, b.currency];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? a : b;
  return a;
}

/**
 * Applies one fact to the state in place and returns snapshots of the accounts that
 * became valid because of it. Applying a fact twice is a no-op the second time.
 *
 * Two limits, both pinned by test/reorder/known-gaps.spec.ts:
 * - each account is reported valid at most once as long as its openings agree, which the
 *   REST idempotency rule guarantees (a conflicting repeat answers 409 and emits nothing);
 * - a report carries `validatedAt` as known at that moment: a later customer.created
 *   with an EARLIER time lowers the account's validatedAt (a monotone min) but is not
 *   reported again, because there is exactly one account.validated per account.
 */
export function evolve(state: AccountsState, fact: AccountFact): Account[] {
  switch (fact.type) {
    case 'account.opened': {
      const existing = state.accounts.get(fact.data.accountId);
      const opening = existing ? preferredOpening(existing, fact.data) : fact.data;
      const account: Account = { ...opening, ...join(opening.openedAt, state.customers.get(opening.customerId)) };
      state.accounts.set(account.accountId, account);
      if (existing?.customerId !== account.customerId) {
        if (existing) unindex(state, existing);
        const ids = state.accountsByCustomer.get(account.customerId);
        if (ids) ids.push(account.accountId);
        else state.accountsByCustomer.set(account.customerId, [account.accountId]);
      }
      return account.status === 'valid' && existing?.status !== 'valid' ? [{ ...account }] : [];
    }
    case 'customer.created': {
      const { customerId, createdAt } = fact.data;
      const known = state.customers.get(customerId);
      const earliest = known === undefined ? createdAt : earlier(known, createdAt);
      if (earliest === known) return [];
      state.customers.set(customerId, earliest);
      const newlyValid: Account[] = [];
      for (const accountId of state.accountsByCustomer.get(customerId) ?? []) {
        const account = state.accounts.get(accountId)!;
        const wasValid = account.status === 'valid';
        Object.assign(account, join(account.openedAt, earliest));
        if (!wasValid) newlyValid.push({ ...account });
      }
      return newlyValid;
    }
    default: {
      const unreachable: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(unreachable)}`);
    }
  }
}

function unindex(state: AccountsState, account: Account): void {
  const ids = (state.accountsByCustomer.get(account.customerId) ?? []).filter((id) => id !== account.accountId);
  if (ids.length) state.accountsByCustomer.set(account.customerId, ids);
  else state.accountsByCustomer.delete(account.customerId);
}

export function fold(facts: Iterable<AccountFact>, state: AccountsState = initialState()): AccountsState {
  for (const fact of facts) evolve(state, fact);
  return state;
}
