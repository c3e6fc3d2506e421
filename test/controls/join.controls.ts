import type { Control } from './control';

const OPEN_ACCOUNTS = 'apps/accounts/src/join/open-accounts.function.ts';
// The lock of open_accounts V1, from whose text V2 and V3 (the current one) are derived.
const LOCK = '      PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c::text, 0)';
const INTERLEAVINGS = 'test/reorder/interleavings.spec.ts';
const WRITE_SKEW = 'test/e2e/write-skew.e2e-spec.ts';

/** The write-skew guard: both paths of the join take the customer's lock, exclusively. */
const controls: Control[] = [
  {
    name: 'open-accounts-no-lock',
    breaks: 'open_accounts (the statement of every POST) opens accounts without taking their customers\u2019 locks',
    patches: [{ file: OPEN_ACCOUNTS, find: LOCK, replace: '      PERFORM 1 FROM (SELECT DISTINCT hashtextextended(c::text, 0)' }],
    tests: [INTERLEAVINGS, WRITE_SKEW],
    testNamePattern: 'with the write-skew guard|simultaneous',
  },
  {
    name: 'customer-path-no-lock',
    breaks: 'the customer path joins without taking the customer\u2019s lock',
    patches: [
      {
        file: 'apps/accounts/src/join/account-join.sql.ts',
        find: 'return sql`SELECT pg_advisory_xact_lock(k) FROM',
        replace: 'return sql`SELECT k FROM',
      },
    ],
    tests: [INTERLEAVINGS, WRITE_SKEW],
    testNamePattern: 'with the write-skew guard|simultaneous',
  },
  {
    name: 'join-shared-lock',
    breaks: 'both paths take the customer\u2019s lock shared, so neither waits for the other',
    patches: [
      {
        file: OPEN_ACCOUNTS,
        find: LOCK,
        replace: '      PERFORM pg_advisory_xact_lock_shared(k) FROM (SELECT DISTINCT hashtextextended(c::text, 0)',
      },
      {
        file: 'apps/accounts/src/join/account-join.sql.ts',
        find: 'return sql`SELECT pg_advisory_xact_lock(k) FROM',
        replace: 'return sql`SELECT pg_advisory_xact_lock_shared(k) FROM',
      },
    ],
    tests: [INTERLEAVINGS],
    testNamePattern: 'with the write-skew guard',
  },
  {
    name: 'join-function-text-edited',
    breaks: 'the text of account_join V1, which migration 1763780012001 ran, is edited in place (a database migrated later would get another function)',
    patches: [
      { file: 'apps/accounts/src/join/account-join.function.ts', find: "THEN 'pending' ELSE 'valid' END,", replace: "THEN 'pending'  ELSE 'valid' END," },
    ],
    tests: ['apps/accounts/src/join/join-sql.spec.ts'],
  },
];
export default controls;
