import type { Control } from './control';

/** What every service shares: shutdown, authentication, answers to bad input, the decoder. */
const controls: Control[] = [
  {
    name: 'shutdown-without-app-close',
    breaks: 'SIGTERM exits without closing the application: the outbox is not flushed, held messages not given back',
    patches: [{ file: 'libs/nest-platform/src/http-app.ts', find: '    Promise.resolve(app?.close())\n', replace: '    Promise.resolve()\n' }],
    tests: ['test/e2e/faults-shutdown.e2e-spec.ts'],
  },
  {
    name: 'api-tokens-ignored',
    breaks: 'API_TOKENS is read but no route requires a token',
    patches: [{ file: 'libs/nest-platform/src/http-app.ts', find: 'requireApiTokens(app, config.apiTokens);', replace: 'requireApiTokens(app, null);' }],
    tests: ['test/e2e/operability-auth.e2e-spec.ts'],
  },
  {
    name: 'nats-url-credentials-dropped',
    breaks: 'the user and password written into NATS_URL are not passed to the connection',
    patches: [
      {
        file: 'libs/config/src/nats-connect-options.ts',
        find: 'if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.pass });',
        replace: '',
      },
    ],
    tests: ['test/e2e/nats-auth.e2e-spec.ts'],
  },
  {
    name: 'body-limit-raised',
    breaks: 'the 64 KiB body limit is raised to 1 MiB, so an oversized body is taken instead of answered 413',
    patches: [{ file: 'libs/nest-platform/src/http-app.ts', find: 'bodyLimit: BODY_LIMIT_BYTES,', replace: 'bodyLimit: 1024 * 1024,' }],
    tests: ['test/e2e/join.e2e-spec.ts'],
    testNamePattern: 'bad input',
  },
  {
    name: 'fast-decode-always-falls-back',
    breaks: 'the fast decoder hands every event to decodeEvent: the same answers, none of the speed',
    patches: [
      {
        file: 'libs/contracts/src/fast-decode.ts',
        find: '    !canonicalTime(raw.time)\n  ) {',
        replace: '    !canonicalTime(raw.time) ||\n    raw !== undefined\n  ) {',
      },
    ],
    tests: ['libs/contracts/src/fast-decode.spec.ts'],
  },
  {
    name: 'field-checks-uuid-any-case',
    breaks: 'the shared canonical-uuid check also takes upper-case hex, which the fast decoders would then pass through unnormalised',
    patches: [
      {
        file: 'libs/contracts/src/field-checks.ts',
        find: '!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))',
        replace: '!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))',
      },
    ],
    tests: ['libs/contracts/src/field-checks.spec.ts', 'apps/replay/src/fold/fact-scanner.spec.ts'],
  },
];
export default controls;
