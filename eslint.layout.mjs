import { fileURLToPath } from 'node:url';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layout's rules (README "Layout"): what each folder may import. Checked by the lint so
 * that a wrong import fails at once; eslint.layout.spec.ts shows each rule failing on a
 * violating text and passing a conforming one.
 */

/** The other libraries each library may use; a library not listed uses none. */
export const LIBRARY_USES = {
  contracts: [],
  folds: ['contracts'],
  config: [],
  tracing: [],
  pg: ['config', 'contracts'],
  jetstream: ['config', 'contracts', 'pg', 'tracing'],
  outbox: ['config', 'contracts', 'pg', 'jetstream', 'tracing'],
  'nest-platform': ['config', 'contracts', 'pg', 'jetstream', 'outbox', 'tracing'],
  'local-infra': [],
  testing: ['contracts', 'local-infra'],
};

export const APPS = ['accounts', 'customers', 'demo', 'launcher', 'migrate', 'replay'];

/**
 * Libraries that log through Nest's Logger (which nestjs-pino routes): that one name only.
 * A logger of their own would change every log line, so it waits for its own change.
 */
const LOGS_THROUGH_NEST = ['pg', 'jetstream', 'outbox'];

const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.reorder-spec.ts', '**/*.soak-spec.ts'];

const NEST = ['@nestjs/*', 'fastify', '@fastify/*', 'nestjs-pino', 'pino-http'];

const forbid = (group, message) => ({ group, message });

/** A folder's one no-restricted-imports entry (its tests are left out unless `files` names them). */
const restricted = (name, files, { patterns, paths = [] }, ignores = TESTS) => ({
  name: `layout: ${name}`,
  files,
  ignores,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
});

const BY_PACKAGE_NAME = forbid(['**/libs/**'], 'a library is imported by its package name (@calm/<name>), never by file');
const NO_APP = forbid(['**/apps/**', '**/bench/**'], 'a library never imports an app or the bench');
/** Imports of these apps' files other than their src/index.ts. */
const throughIndex = (apps, prefix, who) =>
  forbid(
    apps.flatMap((a) => [`**/${prefix}${a}/src/*`, `!**/${prefix}${a}/src/index`]),
    `${who} uses an app only through its src/index.ts (import '<path>/${prefix}<app>/src')`,
  );

/** One no-restricted-imports entry per folder: a later entry for the same file would replace, not add. */
function libraryRules(lib) {
  const others = Object.keys(LIBRARY_USES).filter((l) => l !== lib && !LIBRARY_USES[lib].includes(l));
  const patterns = [
    NO_APP,
    ...(others.length
      ? [
          forbid(
            others.map((l) => `@calm/${l}`),
            `libs/${lib} uses only ${LIBRARY_USES[lib].map((l) => `@calm/${l}`).join(', ') || 'no other library'}`,
          ),
        ]
      : []),
    BY_PACKAGE_NAME,
  ];
  const paths = [];
  if (lib !== 'nest-platform') {
    if (LOGS_THROUGH_NEST.includes(lib)) {
      patterns.push(forbid(NEST.filter((p) => p !== '@nestjs/*').concat(['@nestjs/*', '!@nestjs/common']), `libs/${lib} loads no NestJS but its Logger`));
      paths.push({ name: '@nestjs/common', allowImportNames: ['Logger', 'LoggerService'], message: `libs/${lib} uses only the Logger of NestJS` });
    } else patterns.push(forbid(NEST, `libs/${lib} loads no NestJS or Fastify: only a library named for it does (libs/nest-platform)`));
  }
  return restricted(
    `libs/${lib}`,
    [`libs/${lib}/src/**/*.ts`],
    { paths, patterns },
    lib === 'jetstream' ? [...TESTS, 'libs/jetstream/src/transport/**'] : TESTS,
  );
}

/** The tests of a library may also use the test helpers (and NestJS to build a module). */
function libraryTestRules(lib) {
  const [, { patterns }] = libraryRules(lib).rules['@typescript-eslint/no-restricted-imports'];
  const kept = patterns
    .map((p) => ({ ...p, group: p.group.filter((g) => g !== '@calm/testing' && g !== '@calm/local-infra') }))
    .filter((p) => p.group.length && !p.group.includes('@nestjs/*'));
  return restricted(
    `libs/${lib} tests`,
    TESTS.map((t) => `libs/${lib}/src/${t}`),
    { patterns: kept },
    [],
  );
}

/** The transport of libs/jetstream is a NestJS transport strategy: NestJS is its job. */
const transportRules = restricted('libs/jetstream transport', ['libs/jetstream/src/transport/**/*.ts'], {
  patterns: [
    NO_APP,
    forbid(
      ['@calm/outbox', '@calm/nest-platform', '@calm/testing', '@calm/local-infra', '@calm/folds'],
      'libs/jetstream uses only @calm/config, @calm/contracts, @calm/pg, @calm/tracing',
    ),
    forbid(['fastify', '@fastify/*', 'nestjs-pino', 'pino-http'], 'the transport needs no HTTP server'),
    BY_PACKAGE_NAME,
  ],
});

/** An app uses another app only through what that app's src/index.ts exports; product code never uses the test helpers. */
const appRules = (app) =>
  restricted(`apps/${app}`, [`apps/${app}/src/**/*.ts`], {
    patterns: [
      throughIndex(
        APPS.filter((a) => a !== app),
        '',
        'an app',
      ),
      forbid(['@calm/testing'], 'product code never imports the test helpers (libs/testing)'),
      BY_PACKAGE_NAME,
    ],
  });

/**
 * The bench measures the product as a client would, so it too uses an app only through
 * its index.ts. It may use the test helpers: it starts the services and private servers
 * and checks convergence the same way the end-to-end tests do, and ships in no image.
 */
const benchRules = restricted('bench', ['bench/**/*.ts'], { patterns: [throughIndex(APPS, 'apps/', 'the bench'), BY_PACKAGE_NAME] });

export const layout = [
  {
    name: 'layout: resolver',
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js', '.json'], tsconfig: { configFile: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) } }),
      ],
    },
    rules: {
      // No import cycles, between libraries or inside one: a cycle makes load order matter.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A file that grows past this is usually two ideas (tests too: a long test file is several scenarios).
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
    },
  },
  ...Object.keys(LIBRARY_USES).map(libraryRules),
  ...Object.keys(LIBRARY_USES).map(libraryTestRules),
  transportRules,
  ...APPS.map(appRules),
  benchRules,
];
