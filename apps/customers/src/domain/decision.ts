import { Customer, Seal } from './customer';

/**
 * What the owner decided about one customer id: created or sealed, never both, never
 * changed. This is the one non-monotone choice of the system ("this customer will NEVER
 * exist" is the absence of a fact), and it is safe only because it is made in one place
 * with one order: the customer id's row in the customer database, whose primary key
 * both outcomes insert (the first transaction to insert wins, the other sees its row).
 * Everything downstream of it (customer.created, customer.sealed, the account join) is
 * monotone again. See docs/shells.md.
 */
export type Decision = { state: 'created'; customer: Customer } | { state: 'sealed'; seal: Seal };

/** 201 sealed now / 200 already sealed / 409 the customer exists. */
export type SealOutcome = 'sealed' | 'already-sealed' | 'exists';

/** Decides what a seal means, given the id's decision if one was made. */
export function decideSeal(existing: Decision | null): SealOutcome {
  if (existing === null) return 'sealed';
  return existing.state === 'sealed' ? 'already-sealed' : 'exists';
}
