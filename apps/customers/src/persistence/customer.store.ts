import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { customerCreated, customerSealed, subjectOf } from '@calm/contracts';
import { OutgoingEvent, enqueueEvents, requeueEvents, OutboxRelay } from '@calm/outbox';
import { Database } from '@calm/pg';
import { CreateOutcome, Customer } from '../domain/customer';
import { Decision, SealOutcome, decideSeal } from '../domain/decision';
import { decideCreate } from '../domain/customer';
import { CustomerOrmEntity } from './customer.orm-entity';
import { decisionTrace, insertCreated, insertSealed } from './decision-trace.sql';

/** The stored row as the decision it holds (the CHECK constraint guarantees one of the two shapes). */
export function toDecision(r: CustomerOrmEntity): Decision {
  if (r.sealedAt !== null) return { state: 'sealed', seal: { customerId: r.customerId, sealedAt: r.sealedAt.toISOString() } };
  return { state: 'created', customer: { customerId: r.customerId, name: r.name!, email: r.email!, createdAt: r.createdAt!.toISOString() } };
}

/** The event that announces a decision: the same id however often it is built. */
export function decisionEvent(d: Decision): OutgoingEvent {
  if (d.state === 'sealed')
    return { subject: subjectOf('customer.sealed', d.seal.customerId), event: customerSealed({ customerId: d.seal.customerId, sealedAt: d.seal.sealedAt }) };
  const { customerId, name, email, createdAt } = d.customer;
  return { subject: subjectOf('customer.created', customerId), event: customerCreated({ customerId, name, email }, createdAt) };
}

const read = async (m: EntityManager, customerId: string): Promise<Decision> => toDecision(await m.findOneByOrFail(CustomerOrmEntity, { customerId }));

/**
 * The owner's one point of order. Creating and sealing both INSERT the id's row under its
 * primary key: PostgreSQL lets exactly one of two concurrent inserts through (the other
 * waits for it, then finds the row), so created and sealed are decided once per id, in
 * one transaction with the event that announces the decision (outbox). Each method
 * wakes the relay itself once that transaction has committed outbox rows, so no caller
 * can forget to (the relay would still find them on its next poll, a second later).
 */
@Injectable()
export class CustomerStore {
  constructor(
    private readonly db: Database,
    @Inject(OutboxRelay) private readonly relay: Pick<OutboxRelay, 'wake'>,
  ) {}

  async create(wanted: Omit<Customer, 'createdAt'>, now: Date): Promise<{ outcome: CreateOutcome; decision: Decision }> {
    const created = await this.db.transaction(async (m): Promise<{ outcome: CreateOutcome; decision: Decision }> => {
      const inserted: unknown[] = await m.query(...insertCreated([wanted.customerId, wanted.name, wanted.email, now]));
      if (inserted.length === 0) {
        const existing = await read(m, wanted.customerId);
        return { outcome: existing.state === 'sealed' ? 'sealed' : decideCreate(existing.customer, wanted), decision: existing };
      }
      const decision: Decision = { state: 'created', customer: { ...wanted, createdAt: now.toISOString() } };
      await enqueueEvents(m, [decisionEvent(decision)]);
      return { outcome: 'created', decision };
    });
    if (created.outcome === 'created') this.relay.wake();
    return created;
  }

  /** POST /customers/{id}/seal: seals an undecided id; an id already decided is left as it is. */
  async seal(customerId: string, now: Date): Promise<{ outcome: SealOutcome; decision: Decision }> {
    const sealed = await this.db.transaction((m) => this.sealIn(m, customerId, now));
    if (sealed.outcome === 'sealed') this.relay.wake();
    return sealed;
  }

  /**
   * customers.resolve: the id's decision, sealing it if none was made. A decision made
   * before is announced again (same event id): whoever asks may have missed its event. Its
   * event goes out in the trace of the work that made the decision (decision-trace.sql.ts),
   * even when the retention deleted its outbox row.
   */
  async resolve(customerId: string, now: Date): Promise<Decision> {
    const decision = await this.db.transaction(async (m) => {
      const { outcome, decision } = await this.sealIn(m, customerId, now);
      if (outcome !== 'sealed') await requeueEvents(m, [{ ...decisionEvent(decision), trace: await decisionTrace(m, customerId) }]);
      return decision;
    });
    this.relay.wake();
    return decision;
  }

  private async sealIn(m: EntityManager, customerId: string, now: Date): Promise<{ outcome: SealOutcome; decision: Decision }> {
    const inserted: unknown[] = await m.query(...insertSealed([customerId, now]));
    if (inserted.length === 0) {
      const existing = await read(m, customerId);
      return { outcome: decideSeal(existing), decision: existing };
    }
    const decision: Decision = { state: 'sealed', seal: { customerId, sealedAt: now.toISOString() } };
    await enqueueEvents(m, [decisionEvent(decision)]);
    return { outcome: 'sealed', decision };
  }

  async get(customerId: string): Promise<Decision | null> {
    const row = await this.db.manager().findOneBy(CustomerOrmEntity, { customerId });
    return row ? toDecision(row) : null;
  }
}
