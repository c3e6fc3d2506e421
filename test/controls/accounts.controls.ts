import type { Control } from './control';

const METRICS_SPEC = 'apps/accounts/src/metrics/accounts.metrics.int-spec.ts';
const STORE_SPEC = 'apps/accounts/src/persistence/account.store.int-spec.ts';

/** The accounts service: its fold, group commit and the metrics recorded where work is decided. */
const controls: Control[] = [
  {
    name: 'fold-latest-creation',
    breaks: "the fold keeps a customer's latest creation time instead of the earliest",
    patches: [{ file: 'libs/folds/src/accounts.ts', find: '(Date.parse(a) <= Date.parse(b) ? a : b)', replace: '(Date.parse(a) <= Date.parse(b) ? b : a)' }],
    tests: ['libs/folds/src/accounts.spec.ts'],
  },
  {
    name: 'group-commit-throw-unanswered',
    breaks: "a runBatch that throws (database not connected yet) escapes the group commit's one-by-one retry and its drain unanswered",
    patches: [
      { file: 'apps/accounts/src/persistence/group-commit.ts', find: '        .catch((err: unknown) => batch.forEach((w) => w.reject(err)))\n', replace: '' },
      {
        file: 'apps/accounts/src/persistence/group-commit.ts',
        find: '    try {\n      const [o] = await this.runBatch([w.item]);',
        replace: '    const alone = this.runBatch([w.item]);\n    try {\n      const [o] = await alone;',
      },
    ],
    tests: ['apps/accounts/src/persistence/group-commit.spec.ts'],
    testNamePattern: 'throws before it returns a promise',
  },
  {
    name: 'metrics-no-consumer-convergence',
    breaks: 'a customer batch that turns accounts valid records no convergence',
    patches: [{ file: 'apps/accounts/src/metrics/accounts.metrics.ts', find: '    this.converged(outcome.validatedOpenedAt);\n', replace: '' }],
    tests: [METRICS_SPEC],
  },
  {
    name: 'metrics-no-sealed-duplicates',
    breaks: 'copies of customer.sealed the inbox refused are not counted',
    patches: [
      {
        file: 'apps/accounts/src/metrics/accounts.metrics.ts',
        find: 'if (outcome.duplicates > 0)',
        replace: "if (outcome.duplicates > 0 && type !== 'customer.sealed')",
      },
    ],
    tests: [METRICS_SPEC],
  },
  {
    name: 'metrics-rejected-converged',
    breaks: 'accounts rejected by a seal are counted as converged',
    patches: [{ file: 'apps/accounts/src/persistence/account.store.ts', find: "decided.filter((v) => v.status === 'valid')", replace: 'decided' }],
    tests: [METRICS_SPEC],
  },
  {
    name: 'metrics-no-sweep-convergence',
    breaks: "the shell sweep's validations record no convergence",
    patches: [
      {
        file: 'apps/accounts/src/resolve-shells/shell-sweep.scheduler.ts',
        find: '          accountsMetrics.converged(outcome.validatedOpenedAt);\n',
        replace: '',
      },
    ],
    tests: ['test/e2e/shells.e2e-spec.ts'],
    testNamePattern: 'becomes known by the sweep',
  },
  {
    name: 'account-open-no-wake',
    breaks: 'an account opened does not wake the relay (its events wait for the next poll)',
    patches: [
      {
        file: 'apps/accounts/src/persistence/account.store.ts',
        find: '    if (row?.created) {\n      this.relay.wake();\n',
        replace: '    if (row?.created) {\n',
      },
    ],
    tests: [STORE_SPEC],
    testNamePattern: 'wakes the relay',
  },
  {
    name: 'customer-facts-no-wake',
    breaks: 'customer facts that changed accounts do not wake the relay',
    patches: [{ file: 'apps/accounts/src/persistence/account.store.ts', find: '    if (fresh > 0) this.relay.wake();\n', replace: '' }],
    tests: [STORE_SPEC],
    testNamePattern: 'wakes the relay',
  },
  {
    name: 'customer-created-no-wake',
    breaks: 'a customer created does not wake the relay',
    patches: [{ file: 'apps/customers/src/persistence/customer.store.ts', find: "    if (created.outcome === 'created') this.relay.wake();\n", replace: '' }],
    tests: ['apps/customers/src/persistence/customer.store.int-spec.ts'],
  },
  {
    name: 'fact-of-drops-seals',
    breaks: 'factOf gives no fact for customer.sealed, so the replay and inspect fold no seal',
    patches: [{ file: 'libs/folds/src/fact-of.ts', find: "    case 'customer.sealed':\n", replace: "    case 'customer.sealed':\n      return undefined;\n" }],
    tests: ['libs/folds/src/fact-of.spec.ts', 'apps/replay/src/fold/fact-scanner.spec.ts'],
  },
];
export default controls;
