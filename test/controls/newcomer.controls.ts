import type { Control } from './control';

/** Controls of the operator- and newcomer-facing surface: listing, configuration reference, CLIs. */
const controls: Control[] = [
  {
    name: 'list-accounts-requires-filter',
    breaks: 'GET /accounts with no filter answers 400 again',
    patches: [
      {
        file: 'apps/accounts/src/get-account/list-accounts.filter.ts',
        find: "  if (q.olderThanSeconds !== undefined && q.status !== 'pending')",
        replace:
          "  if (q.customerId === undefined && q.status === undefined) throw bad('customerId or status is required');\n  if (q.olderThanSeconds !== undefined && q.status !== 'pending')",
      },
    ],
    tests: ['apps/accounts/src/get-account/list-accounts.int-spec.ts'],
    testNamePattern: 'no filter',
  },
  {
    name: 'config-reference-stale',
    breaks: 'a default changes in the schema but not in docs/configuration.md',
    patches: [
      {
        file: 'libs/config/src/env/variables.ts',
        find: "default: '60', description: 'how often the account service",
        replace: "default: '61', description: 'how often the account service",
      },
    ],
    tests: ['libs/config/src/env/reference.spec.ts'],
    testNamePattern: 'generates',
  },
  {
    name: 'config-unlisted-read',
    breaks: 'the code reads an environment variable the reference does not list',
    patches: [
      { file: 'apps/accounts/src/accounts.app.ts', find: "host: config.httpHost ?? '0.0.0.0'", replace: "host: process.env.BIND_ADDRESS ?? '0.0.0.0'" },
    ],
    tests: ['libs/config/src/env/reference.spec.ts'],
    testNamePattern: 'every variable the code reads',
  },
  {
    name: 'demo-ignores-no-color',
    breaks: 'the demo colours its table although NO_COLOR asks for none',
    patches: [{ file: 'apps/demo/src/demo-view.ts', find: 'this.colors = this.tty && options.colors;', replace: 'this.colors = this.tty;' }],
    tests: ['apps/demo/src/demo-view.spec.ts'],
  },
  {
    name: 'migrations-without-lock',
    breaks: 'instances starting together migrate at the same time (no advisory lock)',
    patches: [{ file: 'libs/pg/src/migration-lock.ts', find: "await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);", replace: '' }],
    tests: ['libs/pg/src/migration-lock.int-spec.ts'],
    testNamePattern: 'take turns',
  },
  {
    name: 'migrations-run-ignored',
    breaks: 'MIGRATIONS_RUN=false still applies the migrations at start',
    patches: [{ file: 'libs/pg/src/database.ts', find: 'if (this.options.migrationsRun === false) {', replace: 'if (this.options.migrationsRun === null) {' }],
    tests: ['libs/pg/src/migration-lock.int-spec.ts'],
    testNamePattern: 'MIGRATIONS_RUN=false',
  },
  {
    name: 'alert-names-unexported-series',
    breaks: 'an alert rule names a series the services do not export (the old calm_dead_letters_open)',
    patches: [
      {
        file: 'deploy/prometheus/alerts.yml',
        find: 'expr: max by (service) (calm_dead_letter_open_rows) > 0',
        replace: 'expr: max by (service) (calm_dead_letters_open) > 0',
      },
    ],
    tests: ['test/e2e/operations-files.e2e-spec.ts'],
    testNamePattern: 'alert expression',
  },
  {
    name: 'build-info-missing',
    breaks: 'the services stop exporting calm_build_info',
    patches: [{ file: 'libs/nest-platform/src/platform.module.ts', find: ".withBuildInfo(config.commit ?? 'unknown')", replace: '' }],
    tests: ['test/e2e/operability-http.e2e-spec.ts', 'test/e2e/operations-files.e2e-spec.ts'],
  },
  {
    name: 'readme-tour-drifts',
    breaks: "the 410 of a sealed customer loses the fields the README's tour shows",
    patches: [
      {
        file: 'apps/customers/src/get-customer/get-customer.http.controller.ts',
        find: 'it will never exist`, ...decision.seal });',
        replace: 'it will never exist`, seal: decision.seal });',
      },
    ],
    tests: ['test/e2e/readme-tour.e2e-spec.ts'],
  },
  {
    name: 'ready-hides-operator-reason',
    breaks: '/health/ready names the part that is down but not the reason written for the operator (migrations pending)',
    patches: [
      {
        file: 'libs/nest-platform/src/health.controller.ts',
        find: "`${name} is unavailable${reason ? `: ${reason}` : ''}`",
        replace: '`${name} is unavailable`',
      },
    ],
    tests: ['libs/nest-platform/src/health.controller.spec.ts'],
    testNamePattern: 'written for the operator',
  },
];
export default controls;
