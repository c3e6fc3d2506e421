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
  {
    name: 'service-flags-drift',
    breaks: 'the Dockerfile starts the account service without one of SERVICE_NODE_FLAGS (--v8-pool-size=2)',
    patches: [{ file: 'Dockerfile', find: '"--v8-pool-size=2", "dist/apps/accounts/src/main.js"', replace: '"dist/apps/accounts/src/main.js"' }],
    tests: ['libs/config/src/node-flags.spec.ts'],
  },
  {
    name: 'rss-kinds-arenas-as-heap',
    breaks: "the bench's RSS make-up counts glibc's thread arenas as other anonymous memory (V8's heap)",
    patches: [
      {
        file: 'bench/src/rss-kinds.ts',
        find: "sizeKb(r) + sizeKb(next!) === ARENA_KB) return 'mallocArenas';",
        replace: "sizeKb(r) + sizeKb(next!) === ARENA_KB) return 'anonOther';",
      },
    ],
    tests: ['bench/src/rss-kinds.spec.ts'],
  },
];
export default controls;
