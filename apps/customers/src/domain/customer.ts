/**
 * The customer domain. A customer is created once; repeating the creation with the
 * same facts is a no-op, with different facts a conflict. Creation is a monotone fact:
 * nothing here ever retracts it, which is what lets the account service join on it.
 */
export interface Customer {
  customerId: string;
  name: string;
  email: string;
  createdAt: string;
}

export type CreateOutcome = 'created' | 'unchanged' | 'conflict';

/** Decides what a repeated creation means, given the stored customer (if any). */
export function decideCreate(existing: Customer | null, wanted: Omit<Customer, 'createdAt'>): CreateOutcome {
  if (existing === null) return 'created';
  return existing.name === wanted.name && existing.email === wanted.email ? 'unchanged' : 'conflict';
}
