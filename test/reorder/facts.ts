/**
 * The vocabulary of the reordering suite: fact constructors on a small clock, and a
 * one-line readable form so that a counterexample reads like a history:
 *
 *   opened(a1,c1,t=3) created(c1,t=2) created(c1,t=2) sealed(c2,t=4)
 */
import fc from 'fast-check';
import type { AccountFact } from '@calm/folds';

/**
 * Not part of the account domain: the fact the non-monotone example needs (a later fact
 * can change a customer's type). It exists only in this suite.
 */
export interface CustomerRetypedFact {
  type: 'customer.retyped';
  data: { customerId: string; customerType: string };
}

export type ReorderFact = AccountFact | CustomerRetypedFact;

/** `t` counts minutes from a fixed epoch; times are canonical ISO strings, as decode.ts makes them. */
const EPOCH = Date.UTC(2026, 0, 1);
export const at = (t: number): string => new Date(EPOCH + t * 60_000).toISOString();
export const tick = (iso: string): number => (Date.parse(iso) - EPOCH) / 60_000;

/** A time on the small clock, or an instant already canonical (the arbitraries' extreme times). */
const time = (t: number | string): string => (typeof t === 'number' ? at(t) : t);
const showTime = (iso: string): string => (Number.isInteger(tick(iso)) && Math.abs(tick(iso)) < 1000 ? String(tick(iso)) : iso);

/** The UUID a pool label such as a1 or c2 stands for (labels are hex), and back: ids cross the boundary as UUIDs. */
const LABELLED = '00000000-0000-4000-8000-0000000000';
export const idOf = (label: string): string => `${LABELLED}${label}`;
export const labelOf = (id: string): string => (id.startsWith(LABELLED) ? id.slice(LABELLED.length) : id);

export const opened = (accountId: string, customerId: string, t: number | string, currency = 'EUR'): AccountFact => ({
  type: 'account.opened',
  data: { accountId, customerId, currency, openedAt: time(t) },
});
export const created = (customerId: string, t: number | string): AccountFact => ({ type: 'customer.created', data: { customerId, createdAt: time(t) } });
export const sealed = (customerId: string, t: number | string): AccountFact => ({ type: 'customer.sealed', data: { customerId, sealedAt: time(t) } });
export const retyped = (customerId: string, customerType: string): CustomerRetypedFact => ({
  type: 'customer.retyped',
  data: { customerId, customerType },
});

export function show(fact: ReorderFact): string {
  switch (fact.type) {
    case 'account.opened': {
      const { accountId, customerId, currency, openedAt } = fact.data;
      return `opened(${accountId},${customerId},t=${showTime(openedAt)}${currency === 'EUR' ? '' : `,${currency}`})`;
    }
    case 'customer.created':
      return `created(${fact.data.customerId},t=${showTime(fact.data.createdAt)})`;
    case 'customer.sealed':
      return `sealed(${fact.data.customerId},t=${showTime(fact.data.sealedAt)})`;
    case 'customer.retyped':
      return `retyped(${fact.data.customerId},${fact.data.customerType})`;
    default: {
      const unreachable: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(unreachable)}`);
    }
  }
}

export const showAll = (facts: readonly ReorderFact[]): string => (facts.length === 0 ? '(nothing)' : facts.map(show).join(' '));

/** Marks an arrival order so that fast-check prints it with `showAll` instead of as JSON. */
export function readable<F extends ReorderFact>(facts: F[]): F[] {
  const print = (): string => showAll(facts);
  Object.defineProperty(facts, fc.toStringMethod, { value: print, enumerable: false });
  Object.defineProperty(facts, 'toString', { value: print, enumerable: false });
  return facts;
}
