import type { Control } from './control';

const FOLD_SPEC = 'apps/replay/src/verify-against-fold.int-spec.ts';
const MISSING_SPEC = 'apps/replay/src/replay-missing.int-spec.ts';

/** The replay's claims: verify judges by the TypeScript fold, checks outcome events, names missing events, trusts no `source`. */
const controls: Control[] = [
  {
    name: 'replay-expectation-from-sql-join',
    breaks: "verify computes the expected account outcomes with the live database's account_join again (the judge is the accused)",
    patches: [
      {
        file: 'apps/replay/src/db/compare-state.ts',
        find: "{ live: 'account', scratch: SCRATCH.account,",
        replace:
          "{ live: 'account', scratch: `(SELECT a.account_id, a.customer_id, a.currency, a.opened_at, j.* FROM ${SCRATCH.account} a LEFT JOIN ${SCRATCH.knownCustomer} k USING (customer_id) LEFT JOIN ${SCRATCH.sealedCustomer} z USING (customer_id) CROSS JOIN LATERAL account_join(a.opened_at, k.created_at, z.sealed_at) j)`,",
      },
    ],
    tests: [FOLD_SPEC],
    testNamePattern: 'wrong live join',
  },
  {
    name: 'replay-outcome-events-unchecked',
    breaks: 'verify accounts no longer compares the account.validated / account.rejected events with the fold',
    patches: [
      {
        file: 'apps/replay/src/commands/verify.command.ts',
        find: "service === 'accounts' ? await compareOutcomes(db, options.limit)",
        replace: 'false ? await compareOutcomes(db, options.limit)',
      },
    ],
    tests: [FOLD_SPEC],
    testNamePattern: 'deleted outcome event',
  },
  {
    name: 'replay-outcome-time-unchecked',
    breaks: "an outcome event whose time is not the fold's passes verify",
    patches: [{ file: 'apps/replay/src/db/compare-outcomes.ts', find: 'WHEN o.at IS DISTINCT FROM ${foldTime} THEN', replace: 'WHEN false THEN' }],
    tests: [FOLD_SPEC],
    testNamePattern: 'another time',
  },
  {
    name: 'replay-missing-events-unchecked',
    breaks: "the outboxes' published rows are not read: no event is ever missing, and rebuild drops rows whose events the broker lost",
    patches: [{ file: 'apps/replay/src/db/retained-outbox.ts', find: 'unseen.add(id);', replace: 'void id;' }],
    tests: [MISSING_SPEC],
  },
  {
    name: 'replay-rebuild-drops-missing',
    breaks: 'rebuild replaces the live state even though rows of it rest on events the streams lost',
    patches: [
      {
        file: 'apps/replay/src/commands/rebuild.command.ts',
        find: 'refusePastMissing(service, await rowsDroppedByMissing(db, service, folded.missing), options,',
        replace: 'refusePastMissing(service, await rowsDroppedByMissing(db, service, folded.missing), { ...options, allowMissing: true },',
      },
    ],
    tests: [MISSING_SPEC],
    testNamePattern: 'rebuild refuses',
  },
  {
    name: 'replay-customers-trust-source',
    breaks: 'the customers fold skips events on CUSTOMERS whose source field is not /customers',
    patches: [
      {
        file: 'apps/replay/src/fold/history-loader.ts',
        find: "    if (e.type === 'customer.sealed') history.add(",
        replace: "    if (e.source !== '/customers') return;\n    if (e.type === 'customer.sealed') history.add(",
      },
    ],
    tests: [FOLD_SPEC],
    testNamePattern: 'whatever its source field claims',
  },
  {
    name: 'stream-reader-deleted-tail-reads-nothing',
    breaks: "a stream read whose filter's latest matches were deleted reads nothing (nats-server 2.9's last_by_subj answers no message)",
    patches: [
      {
        file: 'libs/jetstream/src/stream-reader.ts',
        find: "  // the stream's end, unless the read's consumer counts nothing.\n  return null;",
        replace: "  // the stream's end, unless the read's consumer counts nothing.\n  return 0;",
      },
    ],
    tests: [FOLD_SPEC],
    testNamePattern: 'another time',
  },
  {
    name: 'stream-reader-swallows-handler-error',
    breaks: 'a stream read goes on past a message its handler threw on, and ends as if whole',
    patches: [{ file: 'libs/jetstream/src/stream-reader.ts', find: '            return settle(err);', replace: '            void err;' }],
    tests: ['libs/jetstream/src/stream-reader.int-spec.ts'],
    testNamePattern: 'what the handler threw',
  },
  {
    name: 'copy-in-swallows-errors',
    breaks: "the rebuild's COPY resolves although the server refused the data",
    patches: [{ file: 'apps/replay/src/db/copy-in.ts', find: 'handleError: (err: Error) => reject(err),', replace: 'handleError: () => resolve(rows),' }],
    tests: ['apps/replay/src/db/copy-in.int-spec.ts'],
  },
];

export default controls;
