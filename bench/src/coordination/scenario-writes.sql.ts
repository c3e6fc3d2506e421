import { accountOpened, accountValidated, customerCreated, subjectOf } from '@calm/contracts';
import { enqueueEventsSql, sqlLiteral as lit } from '@calm/messaging';
import type { Scenario } from './scenario';

/**
 * The rows the product writes for the scenario, written by the coordinated designs
 * themselves (sync writes the account side, twopc both sides): the same tables, the same
 * outbox events, so the services' relays publish the same stream as under calm. Simple
 * protocol statements (one round trip each), values quoted by sqlLiteral. A repeated
 * scenario (a client's retry) writes nothing twice: every insert skips an existing key.
 */

/** Customer side: the customer row and its customer.created outbox row. */
export function customerWritesSql(s: Scenario, createdAt: string): string {
  const event = customerCreated({ customerId: s.customerId, name: s.name, email: s.email }, createdAt);
  return `INSERT INTO customer (customer_id, name, email, created_at)
  VALUES (${lit(s.customerId)}::uuid, ${lit(s.name)}, ${lit(s.email)}, ${lit(createdAt)}::timestamptz)
  ON CONFLICT (customer_id) DO NOTHING;
${enqueueEventsSql([{ subject: subjectOf('customer.created', s.customerId), event }])}`;
}

/**
 * Account side, for a customer already confirmed (created at `customerCreatedAt`): the
 * account is valid from the start, never a shell. validatedAt is the later of openedAt and
 * the customer's creation, as in the contract; known_customer gets the fact too, so the
 * account service's own join agrees when customer.created arrives later (a no-op there).
 */
export function accountWritesSql(s: Scenario, openedAt: string, customerCreatedAt: string): string {
  const validatedAt = openedAt > customerCreatedAt ? openedAt : customerCreatedAt;
  const opened = accountOpened({ accountId: s.accountId, customerId: s.customerId, currency: 'EUR', openedAt });
  const validated = accountValidated({ accountId: s.accountId, customerId: s.customerId, validatedAt }, validatedAt);
  return `INSERT INTO known_customer (customer_id, created_at) VALUES (${lit(s.customerId)}::uuid, ${lit(customerCreatedAt)}::timestamptz)
  ON CONFLICT (customer_id) DO NOTHING;
INSERT INTO account (account_id, customer_id, currency, status, opened_at, validated_at)
  VALUES (${lit(s.accountId)}::uuid, ${lit(s.customerId)}::uuid, 'EUR', 'valid', ${lit(openedAt)}::timestamptz, ${lit(validatedAt)}::timestamptz)
  ON CONFLICT (account_id) DO NOTHING;
${enqueueEventsSql([
  { subject: subjectOf('account.opened', s.accountId), event: opened },
  { subject: subjectOf('account.validated', s.accountId), event: validated },
])}`;
}
