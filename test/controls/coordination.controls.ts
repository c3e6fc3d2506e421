import type { Control } from './control';

const controls: Control[] = [
  {
    name: 'twopc-participant-commits-instead-of-preparing',
    breaks: 'a participant commits its branch at once instead of preparing it, so a coordinator crash leaves nothing in doubt to recover',
    patches: [
      { file: 'libs/nest-platform/src/prepared-branches.ts', find: "await c.query(`PREPARE TRANSACTION '${branch}'`);", replace: "await c.query('COMMIT');" },
    ],
    tests: ['test/e2e/coordination.e2e-spec.ts'],
    testNamePattern: 'twopc recovery',
  },
  {
    name: 'twopc-participant-client-error-unhandled',
    breaks: "a participant's checked-out database client has no 'error' listener, so its database dying ends the service",
    patches: [
      { file: 'libs/nest-platform/src/prepared-branches.ts', find: "pool.on('connect', (client) => client.on('error', () => undefined));", replace: '' },
    ],
    tests: ['test/e2e/coordination.e2e-spec.ts'],
    testNamePattern: 'outlive',
  },
  {
    name: 'sync-opens-account-before-customer',
    breaks: 'the sync coordinator opens the account before the customer service has confirmed the customer',
    patches: [
      {
        file: 'bench/src/coordination/onboarding/sync.onboarding.ts',
        find: "    const customer = await this.customers.call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });\n",
        replace:
          "    await this.accounts.call('POST', '/accounts', { accountId: s.accountId, customerId: s.customerId });\n    await new Promise((r) => setTimeout(r, 20));\n    const customer = await this.customers.call('POST', '/customers', { customerId: s.customerId, name: s.name, email: s.email });\n",
      },
    ],
    tests: ['test/e2e/coordination.e2e-spec.ts'],
    testNamePattern: 'sync: the coordinator creates the customer',
  },
];

export default controls;
