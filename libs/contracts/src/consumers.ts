import { streams } from './events';

/** Where a durable consumer reads: defined once, used by the service, the replay guard, tests and the bench. */
export interface ConsumerWiring {
  stream: string;
  filterSubject: string;
  durable: string;
}

/**
 * The durable consumers of the system, named by intent. Names and filters are part of the
 * running system (deploy/nats/auth.conf grants them; an existing durable keeps its name
 * and filter forever), so changing one is a migration, not an edit.
 *
 * customer.sealed has a consumer of its own rather than a wider filter on the first:
 * an existing durable keeps its filter and nats-server 2.9 knows one filter per consumer.
 */
export const consumers = {
  validateAccountsWhenCustomerCreated: { stream: streams.customers.name, filterSubject: 'customer.created.>', durable: 'accounts-customer-created' },
  rejectShellsWhenCustomerSealed: { stream: streams.customers.name, filterSubject: 'customer.sealed.>', durable: 'accounts-customer-sealed' },
} as const satisfies Record<string, ConsumerWiring>;
