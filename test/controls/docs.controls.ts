import type { Control } from './control';

const controls: Control[] = [
  {
    name: 'testing-doc-hides-a-control',
    breaks: 'docs/testing.md stops naming one control of the registry',
    patches: [
      {
        file: 'docs/testing.md',
        find: '`twopc-participant-client-error-unhandled`, `sync-opens-account-before-customer`',
        replace: '`twopc-participant-client-error-unhandled`',
      },
    ],
    tests: ['libs/testing/src/testing-doc.spec.ts'],
  },
];
export default controls;
