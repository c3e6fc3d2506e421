import { insertCreated, insertSealed } from './decision-trace.sql';

/**
 * With tracing off (no SDK in this process, so never an active span) a decision's row is
 * written by the very statement it was before the customer row kept a trace context: no
 * trace column, no extra parameter. The traced side: resolve-customer.int-spec.ts.
 */
it('writes no trace column and no extra parameter with tracing off', () => {
  const now = new Date();
  expect(insertCreated(['id', 'Ada', 'ada@example.com', now])).toEqual([
    `INSERT INTO customer (customer_id, name, email, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`,
    ['id', 'Ada', 'ada@example.com', now],
  ]);
  expect(insertSealed(['id', now])).toEqual([
    `INSERT INTO customer (customer_id, sealed_at) VALUES ($1, $2)
     ON CONFLICT (customer_id) DO NOTHING RETURNING customer_id`,
    ['id', now],
  ]);
});
