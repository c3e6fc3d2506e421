import { Client } from 'pg';
import { eventIds } from '@calm/contracts';
import { BatchWriter } from './batch-writer';

/** An account.validated or account.rejected as the stream holds it (or the outbox, in transit). */
export interface OutcomeEvent {
  type: 'account.validated' | 'account.rejected';
  eventId: string;
  accountId: string;
  customerId: string;
  /** The event's validatedAt or rejectedAt. */
  at: string;
  /** Where it is, for the operator: "ACCOUNTS seq 12" or "outbox row 7 (not yet published)". */
  place: string;
}

/** The outcome events of the history, beside the scratch state they are checked against (compare-outcomes.ts). */
export const OUTCOME_SCRATCH = 'replay_outcome';

const STATUS = { 'account.validated': 'valid', 'account.rejected': 'rejected' } as const;
const DERIVED = { 'account.validated': eventIds.accountValidated, 'account.rejected': eventIds.accountRejected } as const;

export async function createOutcomeScratch(db: Client): Promise<void> {
  await db.query(`
    DROP TABLE IF EXISTS ${OUTCOME_SCRATCH};
    CREATE TEMP TABLE ${OUTCOME_SCRATCH} (account_id uuid NOT NULL, customer_id uuid NOT NULL, status text NOT NULL, type text NOT NULL,
      event_id text NOT NULL, derived boolean NOT NULL, at timestamptz NOT NULL, place text NOT NULL);`);
}

/**
 * Writes outcome events as the reader meets them (add is synchronous). `derived` says
 * whether the event carries the one id the contract allows for its account and outcome;
 * it is computed here, in TypeScript, from libs/contracts' own derivation.
 */
export function outcomeScratchSink(db: Client): { add: (e: OutcomeEvent) => void; close: () => Promise<number> } {
  const writer = new BatchWriter<OutcomeEvent>((rows) =>
    db.query(
      `INSERT INTO ${OUTCOME_SCRATCH} SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[], $8::text[])`,
      [
        rows.map((e) => e.accountId),
        rows.map((e) => e.customerId),
        rows.map((e) => STATUS[e.type]),
        rows.map((e) => e.type),
        rows.map((e) => e.eventId),
        rows.map((e) => e.eventId === DERIVED[e.type](e.accountId.toLowerCase())),
        rows.map((e) => e.at),
        rows.map((e) => e.place),
      ],
    ),
  );
  return {
    add: (e) => writer.add(e),
    close: async () => {
      await writer.close();
      await db.query(`CREATE INDEX ON ${OUTCOME_SCRATCH} (account_id)`);
      return writer.written;
    },
  };
}
