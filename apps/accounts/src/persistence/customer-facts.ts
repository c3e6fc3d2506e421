import type { Pool } from 'pg';
import { ResolveDecision, accountRejected, accountValidated, eventIds, subjectOf } from '@calm/contracts';
import { OutgoingEvent } from '@calm/messaging';
import { CustomerFact, JoinedRow, runCustomersCreated } from './customers-created.sql';

/** The event of an outcome the customer path decided: account.validated or account.rejected, one id per account each. */
function outcomeEvent(r: JoinedRow, now: Date): OutgoingEvent {
  const [accountId, customerId, time] = [r.account_id, r.customer_id, now.toISOString()];
  return r.status === 'valid'
    ? { subject: subjectOf('account.validated', accountId), event: accountValidated({ accountId, customerId, validatedAt: r.validated_at!.toISOString() }, time) }
    : { subject: subjectOf('account.rejected', accountId), event: accountRejected({ accountId, customerId, rejectedAt: r.rejected_at!.toISOString() }, time) };
}

/** Rows whose outcome this batch decided (not a time moved earlier within the same outcome). */
export const decidedRows = (rows: JoinedRow[]): JoinedRow[] => rows.filter((r) => r.status !== r.was);

/**
 * The customer paths of the join (customer.created, customer.sealed), for a batch of
 * facts in one transaction (customers-created.sql.ts). Returns how many facts were new
 * and the accounts whose outcome the batch decided.
 */
export async function applyCustomerFacts(pool: Pool, facts: CustomerFact[], now: Date): Promise<{ fresh: number; decided: JoinedRow[] }> {
  if (facts.length === 0) return { fresh: 0, decided: [] };
  const { fresh, validated } = await runCustomersCreated(pool, facts, (rows) => decidedRows(rows).map((r) => outcomeEvent(r, now)));
  return { fresh, decided: decidedRows(validated) };
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
