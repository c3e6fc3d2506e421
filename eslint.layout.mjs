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

/** One no-restricted-imports entry per folder: a later entry for the same file would replace, not add. */
function libraryRules(lib) {
  const others = Object.keys(LIBRARY_USES).filter((l) => l !== lib && !LIBRARY_USES[lib].includes(l));
  const patterns = [
    forbid(['**/apps/**', '**/bench/**'], 'a library never imports an app or the bench'),
    ...(others.length
      ? [
          forbid(
            others.map((l) => `@calm/${l}`),
            `libs/${lib} uses only ${LIBRARY_USES[lib].map((l) => `@calm/${l}`).join(', ') || 'no other library'}`,
          ),
        ]
      : []),
    forbid(
      Object.keys(LIBRARY_USES).map((l) => `**/libs/${l}/**`),
      'another library is imported by its package name (@calm/<name>), never by file',
    ),
  ];
  const paths = [];
  if (lib !== 'nest-platform') {
    if (LOGS_THROUGH_NEST.includes(lib)) {
      patterns.push(forbid(NEST.filter((p) => p !== '@nestjs/*').concat(['@nestjs/*', '!@nestjs/common']), `libs/${lib} loads no NestJS but its Logger`));
      paths.push({ name: '@nestjs/common', allowImportNames: ['Logger', 'LoggerService'], message: `libs/${lib} uses only the Logger of NestJS` });
    } else patterns.push(forbid(NEST, `libs/${lib} loads no NestJS or Fastify: only a library named for it does (libs/nest-platform)`));
  }
  return {
    name: `layout: libs/${lib}`,
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: lib === 'jetstream' ? [...TESTS, 'libs/jetstream/src/transport/**'] : TESTS,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
  };
}

/** The tests of a library may also use the test helpers (and NestJS to build a module). */
function libraryTestRules(lib) {
  const rules = libraryRules(lib);
  const [, opts] = rules.rules['@typescript-eslint/no-restricted-imports'];
  const patterns = opts.patterns
    .map((p) => ({ ...p, group: p.group.filter((g) => g !== '@calm/testing' && g !== '@calm/local-infra') }))
    .filter((p) => p.group.length && !p.group.includes('@nestjs/*'));
  return {
    name: `layout: libs/${lib} tests`,
    files: TESTS.map((t) => `libs/${lib}/src/${t}`),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  };
}

/** The transport of libs/jetstream is a NestJS transport strategy: NestJS is its job. */
const transportRules = {
  name: 'layout: libs/jetstream transport',
  files: ['libs/jetstream/src/transport/**/*.ts'],
  ignores: TESTS,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          forbid(['**/apps/**', '**/bench/**'], 'a library never imports an app or the bench'),
          forbid(
            ['@calm/outbox', '@calm/nest-platform', '@calm/testing', '@calm/local-infra', '@calm/folds'],
            'libs/jetstream uses only @calm/config, @calm/contracts, @calm/pg, @calm/tracing',
          ),
          forbid(['fastify', '@fastify/*', 'nestjs-pino', 'pino-http'], 'the transport needs no HTTP server'),
        ],
      },
    ],
  },
};

/** An app uses another app only through what that app's src/index.ts exports; product code never uses the test helpers. */
function appRules(app) {
  const others = APPS.filter((a) => a !== app);
  return {
    name: `layout: apps/${app}`,
    files: [`apps/${app}/src/**/*.ts`],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              others.flatMap((a) => [`**/${a}/src/*`, `!**/${a}/src/index`]),
              "another app is used only through its src/index.ts (import '<path>/<app>/src')",
            ),
            forbid(['@calm/testing'], 'product code never imports the test helpers (libs/testing)'),
            forbid(['**/libs/**'], 'a library is imported by its package name (@calm/<name>), never by file'),
          ],
        },
      ],
    },
  };
}

/**
 * The bench measures the product as a client would, so it too uses an app only through
 * its index.ts. It may use the test helpers: it starts the services and private servers
 * and checks convergence the same way the end-to-end tests do, and ships in no image.
 */
const benchRules = {
  name: 'layout: bench',
  files: ['bench/**/*.ts'],
  ignores: TESTS,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          forbid(
            APPS.flatMap((a) => [`**/apps/${a}/src/*`, `!**/apps/${a}/src/index`]),
            "the bench uses an app only through its src/index.ts (import '<path>/apps/<app>/src')",
          ),
          forbid(['**/libs/**'], 'a library is imported by its package name (@calm/<name>), never by file'),
        ],
      },
    ],
  },
};

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
