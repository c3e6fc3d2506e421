import { Injectable } from '@nestjs/common';
import { customerCreated, subjectOf } from '@calm/contracts';
import { enqueueEvents } from '@calm/messaging';
import { Database } from '@calm/platform';
import { CreateOutcome, Customer, decideCreate } from '../domain/customer';
import { CustomerOrmEntity } from './customer.orm-entity';

const toCustomer = (r: CustomerOrmEntity): Customer => ({ customerId: r.customerId, name: r.name, email: r.email, createdAt: r.createdAt.toISOString() });

@Injectable()
export class CustomerStore {
  constructor(private readonly db: Database) {}

  /** Inserts the customer and its customer.created event in one transaction. */
  create(wanted: Omit<Customer, 'createdAt'>, now: Date): Promise<{ outcome: CreateOutcome; customer: Customer }> {
    return this.db.transaction(async (m) => {
      const inserted: unknown[] = await m.query(
        `INSERT INTO customer (customer_id, name, email, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`,
        [wanted.customerId, wanted.name, wanted.email, now],
      );
      if (inserted.length === 0) {
        const existing = toCustomer(await m.findOneByOrFail(CustomerOrmEntity, { customerId: wanted.customerId }));
        return { outcome: decideCreate(existing, wanted), customer: existing };
      }
      const customer: Customer = { ...wanted, createdAt: now.toISOString() };
      await enqueueEvents(m, [
        {
          subject: subjectOf('customer.created', customer.customerId),
          event: customerCreated({ customerId: customer.customerId, name: customer.name, email: customer.email }, customer.createdAt),
        },
      ]);
      return { outcome: 'created', customer };
    });
  }

  async get(customerId: string): Promise<Customer | null> {
    const row = await this.db.manager().findOneBy(CustomerOrmEntity, { customerId });
    return row ? toCustomer(row) : null;
  }
}
