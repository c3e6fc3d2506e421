import type { Control } from './control';

/** What the performance work moved: each change keeps the contract the code had before it. */
const controls: Control[] = [
  {
    name: 'open-account-outcome-event-not-the-contracts',
    breaks: "open_account builds its outcome event (account.validated / account.rejected) in SQL with a field the contract's builder does not give it",
    patches: [
      {
        file: 'apps/accounts/src/join/open-account.function.ts',
        find: "'accountId', r.account_id, 'customerId', r.customer_id,",
        replace: "'accountId', r.account_id, 'customerId', r.customer_id, 'currency', r.currency,",
      },
    ],
    tests: ['apps/accounts/src/persistence/account.store.int-spec.ts'],
    testNamePattern: 'contract',
  },
  {
    name: 'customer-path-builds-both-outcome-events',
    breaks: 'the customer path builds both possible outcome envelopes of each decided account again, though the join told it which outcome the account reached',
    patches: [
      {
        file: 'apps/accounts/src/join/account-join.sql.ts',
        find: 'OUTCOMES.filter((o) => a.status === undefined || o.status === a.status)',
        replace: 'OUTCOMES.filter((o) => a.status === undefined || o.status !== undefined)',
      },
    ],
    tests: ['apps/accounts/src/join/account-join.sql.spec.ts'],
    testNamePattern: 'only the event of the outcome',
  },
];
export default controls;
