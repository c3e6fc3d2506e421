import { JsonClient, is2xx, serveJson } from './http-json';
import { coordinatorPool, onShutdown, required } from './coordinator-env';
import { parseScenario } from './scenario';
import { accountWritesSql } from './scenario-writes.sql';

/**
 * Design "sync" (temporal order): the account is opened only after a synchronous call to
 * the customer service has created and confirmed the customer, so it is valid from its
 * first write and never a shell. This process plays the account side of that design:
 * it calls the customer service over HTTP, waits for its answer, then writes the account
 * in the account database in one local transaction (one round trip).
 *
 * Env: SYNC_HTTP_PORT, CUSTOMERS_URL (the customer service), ACCOUNTS_DATABASE_URL.
 */
async function main(): Promise<void> {
  const customers = new JsonClient(required('CUSTOMERS_URL'), 64);
  const accounts = coordinatorPool(required('ACCOUNTS_DATABASE_URL'));
  const close = await serveJson(Number(required('SYNC_HTTP_PORT')), '/scenarios', async (body) => {
    const s = parseScenario(body);
    if (typeof s === 'string') return { status: 400, body: { message: s } };
    const customer = await customers.call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });
    if (!is2xx(customer.status)) {
      // Nothing was written on the account side: the scenario failed as a whole.
      return { status: customer.status === 409 ? 409 : 503, body: { message: `customer service answered ${customer.status || 'nothing'}` } };
    }
    const createdAt = (customer.body as { createdAt: string }).createdAt;
    // A failure here leaves a customer without its account: the client's retry (same ids) completes it.
    await accounts.query(accountWritesSql(s, new Date().toISOString(), createdAt));
    return { status: 201, body: { accountId: s.accountId, customerId: s.customerId, status: 'valid' } };
  });
  onShutdown(async () => {
    await close();
    customers.close();
    await accounts.end();
  });
}

main().catch((err: Error) => {
  process.stderr.write(`sync coordinator: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
