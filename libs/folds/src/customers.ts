/**
 * The customer service's state as a fold of its own `customer.created` and
 * `customer.sealed` events: one decision per customer id.
 *
 * The service decides an id once (its first POST, seal or resolve) and emits one event
 * for it, so the history normally holds one decision per id. Should it hold several (a
 * replayed or hand-published copy with other data, or a creation AND a seal, which the
 * owner never emits), the fold must still not depend on the order it reads them in: a
 * creation beats a seal (as in the account join: valid wins), the EARLIEST creation
 * wins, ties broken by the smaller event id, then name, then email; the earliest seal
 * wins, ties by event id. That is a total order, so "keep the smaller" is a commutative,
 * idempotent merge (a semilattice) and any shuffle folds to the same state.
 */
export interface CustomerCreation {
  eventId: string;
  customerId: string;
  name: string;
  email: string;
  createdAt: string;
}

export interface CustomerSealing {
  eventId: string;
  customerId: string;
  sealedAt: string;
}

export type CustomerDecisionRecord = CustomerCreation | CustomerSealing;

export type CustomersState = Map<string, CustomerDecisionRecord>;

export const isSealing = (r: CustomerDecisionRecord): r is CustomerSealing => 'sealedAt' in r;

const key = (c: CustomerDecisionRecord): [number, number, string, string, string] =>
  // Stryker disable next-line StringLiteral: every seal pads its key with the same two strings, so their text never decides
  isSealing(c) ? [1, Date.parse(c.sealedAt), c.eventId, '', ''] : [0, Date.parse(c.createdAt), c.eventId, c.name, c.email];

/** True when `a` is preferred to `b` (strictly earlier in the total order). */
export function precedes(a: CustomerDecisionRecord, b: CustomerDecisionRecord): boolean {
  const ka = key(a);
  const kb = key(b);
  // Stryker disable next-line EqualityOperator: one index past the end compares undefined with undefined; `<` and `<=` differ only on equal keys, which the `!==` guard skips
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
  return false;
}

export function evolveCustomers(state: CustomersState, record: CustomerDecisionRecord): void {
  const known = state.get(record.customerId);
  if (known === undefined || precedes(record, known)) state.set(record.customerId, record);
}
