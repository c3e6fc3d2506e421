import { JsonHttpClient, is2xx } from '../../http-client';
import type { Scenario } from '../scenario';
import type { OnboardingAnswer, OnboardingDesign } from './onboarding-design';

/**
 * Design "sync" (temporal order): the account is opened only after the customer service
 * has created and confirmed the customer, each over its public REST API. Nothing here
 * touches a database: each service writes its own.
 */
export class SyncOnboarding implements OnboardingDesign {
  constructor(
    private readonly customers: JsonHttpClient,
    private readonly accounts: JsonHttpClient,
  ) {}

  async open(s: Scenario): Promise<OnboardingAnswer> {
    const customer = await this.customers.call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });
    if (!is2xx(customer.status)) {
      // Nothing was asked of the account service: the scenario failed as a whole.
      return { status: customer.status === 409 ? 409 : 503, body: { message: `customer service answered ${customer.status || 'nothing'}` } };
    }
    const account = await this.accounts.call('POST', '/accounts', { accountId: s.accountId, customerId: s.customerId });
    if (!is2xx(account.status)) {
      // The customer exists without its account: the client's retry (same ids, both POSTs idempotent) completes it.
      return { status: account.status === 409 ? 409 : 503, body: { message: `account service answered ${account.status || 'nothing'}` } };
    }
    return { status: 201, body: { accountId: s.accountId, customerId: s.customerId, status: (account.body as { status: string }).status } };
  }

  async close(): Promise<void> {
    this.customers.close();
    this.accounts.close();
  }
}
