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

/** A customer id the owner decided will never be created (domain/decision.ts). */
export interface Seal {
  customerId: string;
  sealedAt: string;
}

/** `sealed`: the id was sealed before, so it can never be created (409 naming the seal). */
export type CreateOutcome = 'created' | 'unchanged' | 'conflict' | 'sealed';

/** Decides what a repeated creation means, given the stored customer (if any). */
export function decideCreate(existing: Customer | null, wanted: Omit<Customer, 'createdAt'>): Exclude<CreateOutcome, 'sealed'> {
  if (existing === null) return 'created';
  return existing.name === wanted.name && existing.email === wanted.email ? 'unchanged' : 'conflict';
}
