import type { Control } from './control';

/** The layout's rules in the lint (eslint.layout.mjs): each one removed must turn its test red. */
const controls: Control[] = [
  {
    name: 'lint-allows-import-cycles',
    breaks: 'two modules that import each other pass the lint',
    patches: [{ file: 'eslint.layout.mjs', find: "      'import-x/no-cycle': ['error', { ignoreExternal: true }],\n", replace: '' }],
    tests: ['libs/testing/src/layout-lint.spec.ts'],
  },
  {
    name: 'lint-libraries-unbounded',
    breaks: 'a library may import an app, the test helpers, NestJS or a library it must not use',
    patches: [{ file: 'eslint.layout.mjs', find: '  ...Object.keys(LIBRARY_USES).map(libraryRules),\n', replace: '' }],
    tests: ['libs/testing/src/layout-lint.spec.ts'],
  },
  {
    name: 'lint-apps-unbounded',
    breaks: "an app may import another app's internals or the test helpers",
    patches: [{ file: 'eslint.layout.mjs', find: '  ...APPS.map(appRules),\n', replace: '' }],
    tests: ['libs/testing/src/layout-lint.spec.ts'],
  },
  {
    name: 'lint-allows-long-files',
    breaks: 'a file of more than 300 lines passes the lint',
    patches: [{ file: 'eslint.layout.mjs', find: "      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],\n", replace: '' }],
    tests: ['libs/testing/src/layout-lint.spec.ts'],
  },
  {
    name: 'readme-layout-misses-a-library',
    breaks: "the README's layout table leaves out a library folder",
    patches: [
      {
        file: 'README.md',
        find: '| `libs/tracing/` | `@calm/tracing`: OpenTelemetry start-up and the trace context carried in message headers | nothing of this repository; no NestJS |\n',
        replace: '',
      },
    ],
    tests: ['libs/testing/src/layout-doc.spec.ts'],
  },
];

export default controls;
