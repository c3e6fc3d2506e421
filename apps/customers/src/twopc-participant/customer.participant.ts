import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { OutboxRelay } from '@calm/outbox';
import { sql } from '@calm/pg';
import { BranchRefused, PLATFORM_CONFIG, PreparedBranches } from '@calm/nest-platform';
import { ServiceConfig } from '@calm/config';
import { decideCreate } from '../domain/customer';
import { decisionEvent } from '../persistence/customer.store';

interface StoredRow {
  name: string | null;
  email: string | null;
  created_at: Date | null;
  sealed_at: Date | null;
}

export interface CustomerBranch {
  customerId: string;
  name: string;
  email: string;
}

/**
 * The customer service as a participant of a two-phase commit (the coordination bench's
 * `twopc` design): the same decision as POST /customers (one row per id, decided once,
 * announced by its outbox event) written in a branch that is prepared, not committed, and
 * finished by the coordinator. The row's lock stays with the prepared branch, so a second
 * branch for the same customer waits for this one to be finished (strict 2PL).
 */
@Injectable()
export class CustomerParticipant implements OnModuleDestroy {
  readonly branches: PreparedBranches;

  constructor(@Inject(PLATFORM_CONFIG) config: ServiceConfig, relay: OutboxRelay) {
    this.branches = new PreparedBranches(config.databaseUrl, 'customers', () => relay.wake());
  }

  /** Answers the customer's creation time as decided (an earlier branch's, if one created it before). */
  async prepare(gid: string, wanted: CustomerBranch, now: Date): Promise<{ createdAt: string }> {
    const event = decisionEvent({ state: 'created', customer: { ...wanted, createdAt: now.toISOString() } });
    // The row and, only when this branch inserted it, its event; then the row as decided.
    const writes = sql`WITH ins AS (
        INSERT INTO customer (customer_id, name, email, created_at) VALUES (${wanted.customerId}, ${wanted.name}, ${wanted.email}, ${now})
        ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id)
      INSERT INTO outbox (event_id, subject, payload) SELECT ${event.event.id}, ${event.subject}, ${JSON.stringify(event.event)}::jsonb FROM ins
      ON CONFLICT (event_id) DO NOTHING;
      SELECT name, email, created_at, sealed_at FROM customer WHERE customer_id = ${wanted.customerId}`;
    let createdAt = '';
    await this.branches.prepare(gid, async (c, begin) => {
      const results = (await c.query(`${begin} ${writes.text}`)) as unknown as { rows: StoredRow[] }[];
      const row = results[results.length - 1].rows[0];
      if (row.sealed_at !== null) throw new BranchRefused(`customer ${wanted.customerId} was sealed: it can never be created`);
      if (decideCreate({ ...wanted, name: row.name!, email: row.email!, createdAt: '' }, wanted) === 'conflict')
        throw new BranchRefused(`customer ${wanted.customerId} already exists with another name or email`);
      createdAt = row.created_at!.toISOString();
    });
    return { createdAt };
  }

  onModuleDestroy(): Promise<void> {
    return this.branches.close();
  }
}
