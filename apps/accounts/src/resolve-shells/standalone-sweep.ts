import type { NatsConnection } from '@nats-io/transport-node';
import type { Pool } from 'pg';
import { ownerDecisionFact, runCustomerFacts } from '../persistence/customer-facts.sql';
import { ShellSweep, ShellSweepOptions } from './shell-sweep';

/**
 * The service's shell sweep outside the service (`replay shells --resolve`): the same
 * claim, question and join, on a pool the caller owns, with no Nest container. The
 * outbox rows it writes are published by the running service's relay on its next poll
 * (a wake is in-process only).
 */
export function standaloneShellSweep(pool: Pool, nats: NatsConnection, options: ShellSweepOptions): ShellSweep {
  return new ShellSweep(
    { pool: () => pool, nats: () => nats, apply: async (d) => void (await runCustomerFacts(pool, [ownerDecisionFact(d)], new Date())) },
    options,
  );
}
