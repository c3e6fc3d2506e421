import type { Control } from './control';

const AUTH = 'deploy/nats/auth.conf';
const ATTACKS = 'test/e2e/nats-attacks.e2e-spec.ts';

const controls: Control[] = [
  {
    name: 'auth-replay-legacy-consumer-create',
    breaks: 'the replay role reaches the legacy CONSUMER.CREATE.<stream> (consumer name in the body)',
    patches: [
      {
        file: AUTH,
        find: '      { service: "$JS.API.CONSUMER.CREATE.*.*", accounts: [REPLAY] }',
        replace: '      { service: "$JS.API.CONSUMER.CREATE.*.*", accounts: [REPLAY] }\n      { service: "$JS.API.CONSUMER.CREATE.*", accounts: [REPLAY] }',
      },
      {
        file: AUTH,
        find: '      { service: { account: CALM, subject: "$JS.API.CONSUMER.CREATE.*.*" }, to: "JS.CALM.API.CONSUMER.CREATE.*.*" }',
        replace:
          '      { service: { account: CALM, subject: "$JS.API.CONSUMER.CREATE.*.*" }, to: "JS.CALM.API.CONSUMER.CREATE.*.*" }\n      { service: { account: CALM, subject: "$JS.API.CONSUMER.CREATE.*" }, to: "JS.CALM.API.CONSUMER.CREATE.*" }',
      },
      {
        file: AUTH,
        find: '              "JS.CALM.API.CONSUMER.CREATE.*.*",',
        replace: '              "JS.CALM.API.CONSUMER.CREATE.*.*",\n              "JS.CALM.API.CONSUMER.CREATE.*",',
      },
    ],
    tests: [ATTACKS],
    testNamePattern: 'refused 1\\.',
  },
  {
    name: 'auth-accounts-reads-customers-inbox',
    breaks: "the account service's user may subscribe to the customer service's reply prefix",
    patches: [{ file: AUTH, find: 'subscribe: { allow: ["_INBOX_accounts.>",', replace: 'subscribe: { allow: ["_INBOX_accounts.>", "_INBOX_customers.>",' }],
    tests: [ATTACKS],
    testNamePattern: 'refused 2a\\.',
  },
  {
    name: 'pub-ack-any-stream',
    breaks: 'a PubAck counts whichever stream sent it',
    patches: [
      {
        file: 'libs/outbox/src/pub-ack-collector.ts',
        find: 'if (sent.stream !== undefined && ack.stream !== sent.stream)',
        replace: "if (sent.stream === '\\u0000')",
      },
    ],
    tests: ['libs/outbox/src/pub-ack-collector.int-spec.ts'],
    testNamePattern: 'does not own the subject',
  },
  {
    name: 'pub-ack-counter-reply',
    breaks: 'the relay answers on predictable reply subjects (<inbox>.<counter>)',
    patches: [
      {
        file: 'libs/outbox/src/pub-ack-collector.ts',
        find: 'const reply = `${prefix}.${nuid.next()}`;',
        replace: 'const reply = `${prefix}.${keys.length}`;',
      },
    ],
    tests: ['libs/outbox/src/pub-ack-collector.int-spec.ts'],
    testNamePattern: 'random token',
  },
  {
    name: 'auth-replay-in-service-account',
    breaks: 'the replay user lives in the services account, where its replies are not rewritten',
    patches: [
      { file: AUTH, find: '        user: replay, password: $REPLAY_NATS_PASSWORD', replace: '        user: replay-elsewhere, password: $REPLAY_NATS_PASSWORD' },
      {
        file: AUTH,
        find: '    ]\n\n    exports: [',
        replace:
          '      { user: replay, password: $REPLAY_NATS_PASSWORD, permissions: { publish: { allow: ["$JS.API.>"] }, subscribe: { allow: ["_INBOX_replay.>"] } } }\n    ]\n\n    exports: [',
      },
    ],
    tests: [ATTACKS],
    testNamePattern: 'refused 3\\.',
  },
  {
    name: 'auth-partner-publishes-customer-facts',
    breaks: 'a third party may publish customer.created (trust by the body again)',
    patches: [
      {
        file: AUTH,
        find: '      { service: "partner.customer.announced.>", accounts: [PARTNER] }',
        replace: '      { service: "partner.customer.announced.>", accounts: [PARTNER] }\n      { service: "customer.created.>", accounts: [PARTNER] }',
      },
      {
        file: AUTH,
        find: '    imports: [{ service: { account: CALM, subject: "partner.customer.announced.>" } }]',
        replace:
          '    imports: [{ service: { account: CALM, subject: "partner.customer.announced.>" } }, { service: { account: CALM, subject: "customer.created.>" } }]',
      },
      {
        file: AUTH,
        find: 'publish: { allow: ["partner.customer.announced.>"] }',
        replace: 'publish: { allow: ["partner.customer.announced.>", "customer.created.>"] }',
      },
    ],
    tests: [ATTACKS],
    testNamePattern: 'refused 4\\. ',
  },
  {
    name: 'partner-announcement-overrides-seal',
    breaks: "the owner takes a partner's announcement of a sealed id silently",
    patches: [
      {
        file: 'apps/customers/src/announce-customer/announce-customer.consumer.ts',
        find: "if (outcome === 'created' || outcome === 'unchanged') return;",
        replace: "if (outcome !== 'conflict') return;",
      },
    ],
    tests: [ATTACKS],
    testNamePattern: 'refused 4b\\.',
  },
  {
    name: 'write-queue-unbounded',
    breaks: 'the group commit queues every caller, however many wait',
    patches: [
      {
        file: 'apps/accounts/src/persistence/group-commit.ts',
        find: '    if (this.queue.length >= maxQueued)',
        replace: '    if (this.queue.length >= Infinity)',
      },
    ],
    tests: ['apps/accounts/src/persistence/group-commit.spec.ts', 'test/e2e/overload.e2e-spec.ts'],
    testNamePattern: 'maxQueued|flood',
  },
  {
    name: 'write-queue-no-deadline',
    breaks: 'a queued caller waits for ever',
    patches: [
      {
        file: 'apps/accounts/src/persistence/group-commit.ts',
        find: 'while (this.queue.length > 0 && this.queue[0].deadline <= now)',
        replace: 'while (this.queue.length < 0)',
      },
    ],
    tests: ['apps/accounts/src/persistence/group-commit.spec.ts'],
    testNamePattern: 'maxWaitMs',
  },
  {
    name: 'overloaded-without-retry-after',
    breaks: 'a 503 for a full queue says nothing of when to come back',
    patches: [
      {
        file: 'libs/nest-platform/src/http-errors.filter.ts',
        find: "if (exception instanceof ServiceOverloadedError) void reply.header('retry-after', String(exception.retryAfterSeconds));",
        replace: '',
      },
    ],
    tests: ['test/e2e/overload.e2e-spec.ts'],
  },
  {
    name: 'pool-without-session-timeouts',
    breaks: "the services' connections have no statement_timeout, idle_in_transaction_session_timeout or pinned client_encoding",
    patches: [
      {
        file: 'libs/pg/src/database.ts',
        find: 'connectionTimeoutMillis: 5000, options: sessionOptions(options) });',
        replace: 'connectionTimeoutMillis: 5000 });',
      },
    ],
    tests: ['libs/pg/src/database.int-spec.ts'],
    testNamePattern: 'statement_timeout',
  },
  {
    name: 'ensure-database-through-postgres',
    breaks: 'ensureDatabase connects to the postgres database even when its own exists',
    patches: [
      {
        file: 'libs/pg/src/database.ts',
        find: '    await own.connect();\n    return;',
        replace: "    throw Object.assign(new Error('assumed missing'), { code: '3D000' });",
      },
    ],
    tests: ['libs/pg/src/database.int-spec.ts'],
    testNamePattern: 'without CONNECT',
  },
  {
    name: 'dead-letter-keeps-whole-junk',
    breaks: 'the dead letter of an undecodable message keeps its whole payload',
    patches: [
      {
        file: 'libs/jetstream/src/dead-letter.ts',
        find: 'const cut = event === undefined && msg.data.length > UNDECODABLE_PAYLOAD_PREFIX_BYTES;',
        replace: 'const cut = false;',
      },
    ],
    tests: ['libs/jetstream/src/dead-letter.spec.ts'],
  },
  {
    name: 'config-error-echoes-raw-password',
    breaks: 'a NATS URL whose password holds a raw / ? or # is quoted whole in the configuration error',
    patches: [{ file: 'libs/config/src/env/parsers.ts', find: '  if (at < 0) return withScheme;', replace: '  if (at >= 0) return withScheme;' }],
    tests: ['libs/config/src/config.spec.ts'],
    testNamePattern: 'never echoes a NATS password',
  },
  {
    name: 'sql-negative-number-pasted',
    breaks: 'the sql tag pastes a negative number bare (1-${-1} becomes the comment 1--1)',
    patches: [{ file: 'libs/pg/src/sql.ts', find: 'return value < 0 ? `(${value})` : String(value);', replace: 'return String(value);' }],
    tests: ['libs/pg/src/sql.spec.ts'],
    testNamePattern: 'negative number',
  },
  {
    name: 'sql-lone-surrogate-passed',
    breaks: 'a lone surrogate reaches the driver, which sends U+FFFD instead',
    patches: [
      {
        file: 'libs/pg/src/sql-literal.ts',
        find: 'if (!(value as unknown as WellFormed).isWellFormed()) throw',
        replace: 'if (value.length < 0) throw',
      },
    ],
    tests: ['libs/pg/src/sql.spec.ts'],
    testNamePattern: 'lone surrogate',
  },
  {
    name: 'ready-shows-driver-text',
    breaks: "/health/ready shows the driver's error text (host, port, user)",
    patches: [
      {
        file: 'libs/nest-platform/src/health.controller.ts',
        find: "return { up: false, message: timedOut ? `no answer in ${timeoutMs} ms` : `${name} is unavailable${reason ? `: ${reason}` : ''}` };",
        replace: 'return { up: false, message: (err as Error).message };',
      },
    ],
    tests: ['libs/nest-platform/src/health.controller.spec.ts'],
  },
  {
    name: 'short-api-token-accepted',
    breaks: 'a one-character API token is accepted',
    patches: [{ file: 'libs/config/src/env/parsers.ts', find: 'export const MIN_API_TOKEN_LENGTH = 16;', replace: 'export const MIN_API_TOKEN_LENGTH = 1;' }],
    tests: ['libs/config/src/config.spec.ts'],
    testNamePattern: 'holds no token',
  },
  {
    name: 'stream-not-reconciled',
    breaks: "the owner leaves an existing stream's configuration as it finds it (limits that delete history, missing subjects)",
    patches: [{ file: 'libs/jetstream/src/nats-client.ts', find: 'const changes = streamChanges(spec, info.config);', replace: 'const changes = {};' }],
    tests: ['libs/jetstream/src/nats-client.int-spec.ts'],
    testNamePattern: 'reconciles',
  },
  {
    name: 'asyncapi-without-partner-channel',
    breaks: "the AsyncAPI document leaves out the third parties' channel",
    patches: [{ file: 'libs/contracts/src/asyncapi.ts', find: '  channels[partner] = {', replace: '  channels[`${partner}Unlisted`] = {' }],
    tests: ['libs/contracts/src/asyncapi.spec.ts'],
  },
  {
    name: 'http-max-connections-ignored',
    breaks: 'HTTP_MAX_CONNECTIONS is parsed but the server accepts any number of sockets',
    patches: [{ file: 'libs/nest-platform/src/http-app.ts', find: '  app.getHttpServer().maxConnections = limits.maxConnections;\n', replace: '' }],
    tests: ['libs/nest-platform/src/http-timeouts.int-spec.ts'],
    testNamePattern: 'HTTP_MAX_CONNECTIONS',
  },
];

export default controls;
