import { randomUUID } from 'node:crypto';

/**
 * The seed scenario: open an account for a new customer. Every design receives the same
 * four caller-assigned values, so a scenario is identified by its ids whatever the design.
 */
export interface Scenario {
  customerId: string;
  accountId: string;
  name: string;
  email: string;
}

export function newScenario(): Scenario {
  const customerId = randomUUID();
  return { customerId, accountId: randomUUID(), name: 'Ada Lovelace', email: `ada+${customerId.slice(0, 8)}@example.com` };
}

/** The three designs of issue 14, in the order the table shows them. */
export const DESIGNS = ['calm', 'sync', 'twopc'] as const;
export type Design = (typeof DESIGNS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The coordinators' request body, checked: a Scenario (ids in lower case) or the reason it is not one. */
export function parseScenario(body: unknown): Scenario | string {
  const b = (body ?? {}) as Record<string, unknown>;
  for (const k of ['customerId', 'accountId'] as const) if (typeof b[k] !== 'string' || !UUID.test(b[k] as string)) return `${k} must be a UUID`;
  for (const k of ['name', 'email'] as const) if (typeof b[k] !== 'string' || (b[k] as string).length === 0) return `${k} must be a non-empty string`;
  return {
    customerId: (b.customerId as string).toLowerCase(),
    accountId: (b.accountId as string).toLowerCase(),
    name: b.name as string,
    email: b.email as string,
  };
}
