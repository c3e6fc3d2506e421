import type { Pool } from 'pg';
import { ResolveDecision, eventIds } from '@calm/contracts';
import { CustomerFact, JoinedRow, decidedRows, runCustomerFacts } from './customers-created.sql';

/**
 * The customer paths of the join (customer.created, customer.sealed), for a batch of
 * facts in one transaction (customers-created.sql.ts). Returns how many facts were new
 * and the accounts whose outcome the batch decided.
 */
export async function applyCustomerFacts(pool: Pool, facts: CustomerFact[], now: Date): Promise<{ fresh: number; decided: JoinedRow[] }> {
  if (facts.length === 0) return { fresh: 0, decided: [] };
  const { fresh, joined } = await runCustomerFacts(pool, facts, now);
  return { fresh, decided: decidedRows(joined) };
}

/**
 * The owner's answer to customers.resolve as the very fact its stream carries: the same
 * derived event id (so the inbox absorbs the stream's copy, whichever comes first), the
 * same customer and time.
 */
export function ownerDecisionFact(d: ResolveDecision): CustomerFact {
  return d.state === 'created'
    ? { id: eventIds.customerCreated(d.customerId), type: 'customer.created', customerId: d.customerId, time: d.createdAt }
    : { id: eventIds.customerSealed(d.customerId), type: 'customer.sealed', customerId: d.customerId, time: d.sealedAt };
}
