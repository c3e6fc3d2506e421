/**
 * The customer service's state as a fold of its own `customer.created` events.
 *
 * The service writes a customer once (its first POST) and emits one event for it, so
 * the history normally holds one creation per customer. Should it hold several (a
 * replayed or hand-published copy with other data), the fold must still not depend on
 * the order it reads them in: the EARLIEST creation wins, ties broken by the smaller
 * event id, then name, then email. That is a total order, so "keep the smaller" is a
 * commutative, idempotent merge (a semilattice) and any shuffle folds to the same state.
 */
export interface CustomerCreation {
  eventId: string;
  customerId: string;
  name: string;
  email: string;
  createdAt: string;
}

export type CustomersState = Map<string, CustomerCreation>;

const key = (c: CustomerCreation): [number, string, string, string] => [Date.parse(c.createdAt), c.eventId, c.name, c.email];

/** True when `a` is preferred to `b` (strictly earlier in the total order). */
export function precedes(a: CustomerCreation, b: CustomerCreation): boolean {
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
  return false;
}

export function evolveCustomers(state: CustomersState, creation: CustomerCreation): void {
  const known = state.get(creation.customerId);
  if (known === undefined || precedes(creation, known)) state.set(creation.customerId, creation);
}
