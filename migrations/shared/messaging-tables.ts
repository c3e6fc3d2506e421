/**
 * DDL of the messaging tables, version 1. Both services' migrations use these
 * strings; a later change gets a new migration, never an edit here.
 */
export const OUTBOX_V1 = `
  CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    event_id     text NOT NULL UNIQUE,
    subject      text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  );
  -- the relay's queue: unpublished rows only, in commit-independent id order
  CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
  -- retention purge and republishing a time range
  CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
`;

export const INBOX_V1 = `
  CREATE TABLE inbox (
    event_id    text PRIMARY KEY,
    event_type  text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
  );
`;

export const DEAD_LETTER_V1 = `
  CREATE TABLE dead_letter (
    id          bigserial PRIMARY KEY,
    stream      text NOT NULL,
    consumer    text NOT NULL,
    subject     text NOT NULL,
    stream_seq  bigint NOT NULL,
    payload     bytea NOT NULL,
    headers     jsonb NOT NULL DEFAULT '{}',
    reason      text NOT NULL,
    deliveries  integer NOT NULL,
    event_id    text,
    event_type  text,
    failed_at   timestamptz NOT NULL DEFAULT now(),
    retried_at  timestamptz
  );
  CREATE INDEX dead_letter_open_idx ON dead_letter (id) WHERE retried_at IS NULL;
`;

/**
 * Where the broker stored each published event (its PubAck's stream and sequence), so a
 * service can tell when the stream has lost an event it acknowledged (outbox-audit.ts).
 */
export const OUTBOX_V2_STORED_AT = `
  ALTER TABLE outbox ADD COLUMN stream text, ADD COLUMN stream_seq bigint;
  -- the audit's look-ups: the highest recorded sequence, two rows stored at one sequence
  CREATE INDEX outbox_stream_seq_idx ON outbox (stream, stream_seq) WHERE stream_seq IS NOT NULL;
`;

/**
 * A message that ran out of deliveries is recorded once, whichever instance heard the
 * server's advisory first (max-deliveries.listener.ts inserts ON CONFLICT DO NOTHING).
 */
export const DEAD_LETTER_EXHAUSTED_ONCE = `CREATE UNIQUE INDEX dead_letter_exhausted_once ON dead_letter (stream, consumer, stream_seq) WHERE reason = 'max deliveries'`;

/**
 * The W3C trace context of the write that stored an outbox row (null when tracing was
 * off), published with the event as NATS headers and CloudEvents extension attributes.
 * Nullable columns without a default: adding them rewrites nothing.
 */
export const OUTBOX_TRACE_CONTEXT = `ALTER TABLE outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text`;
export const OUTBOX_TRACE_CONTEXT_DOWN = `ALTER TABLE outbox DROP COLUMN traceparent, DROP COLUMN tracestate`;
