import type { KnownEvent } from '@calm/contracts';
import type { AccountFact } from './accounts';

/**
 * The fact the accounts fold takes from a decoded event, or undefined for the events it
 * does not fold (the outcomes it computes itself). The one mapping from events to facts:
 * the replay's history loader and `replay inspect` use it, and the fact scanner's spec
 * checks that what it reads off a message's bytes is this fact. A customer's creation
 * time is its event's `time` (decodeEvent makes customer.created carry one).
 */
export function factOf(e: KnownEvent): AccountFact | undefined {
  switch (e.type) {
    case 'account.opened': {
      const { accountId, customerId, currency, openedAt } = e.data;
      return { type: e.type, data: { accountId, customerId, currency, openedAt } };
    }
    case 'customer.created':
      return { type: e.type, data: { customerId: e.data.customerId, createdAt: e.time } };
    case 'customer.sealed':
      return { type: e.type, data: { customerId: e.data.customerId, sealedAt: e.data.sealedAt } };
    default:
      return undefined;
  }
}
