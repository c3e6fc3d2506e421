import { MigrationInterface, QueryRunner } from 'typeorm';
import { CUSTOMER_FACTS_V1 } from '../../apps/accounts/src/join/customer-facts.function';

/** Creates apply_customer_facts (apps/accounts/src/join/customer-facts.function.ts: its text and why). */
export class CustomerFactsFunction1763780015002 implements MigrationInterface {
  name = 'CustomerFactsFunction1763780015002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(CUSTOMER_FACTS_V1);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION apply_customer_facts(uuid[], timestamptz[], uuid[], timestamptz[])');
  }
}
