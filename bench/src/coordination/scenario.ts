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
