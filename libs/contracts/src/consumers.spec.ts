import { consumers } from './consumers';

/**
 * The names are state on the running brokers, not code: a renamed durable is a new consumer
 * that starts from the first message of the stream (DeliverPolicy.All), the old one is left
 * behind holding its position, and deploy/nats/auth.conf grants neither. Renaming one is a
 * migration; this spec makes it a deliberate edit.
 */
describe('durable consumers as deployed', () => {
  it('keep their stream, filter and durable name', () => {
    expect(consumers).toEqual({
      validateAccountsWhenCustomerCreated: { stream: 'CUSTOMERS', filterSubject: 'customer.created.>', durable: 'accounts-customer-created' },
      rejectShellsWhenCustomerSealed: { stream: 'CUSTOMERS', filterSubject: 'customer.sealed.>', durable: 'accounts-customer-sealed' },
    });
  });
});
