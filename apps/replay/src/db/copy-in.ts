import { Client, Connection, Submittable } from 'pg';

/**
 * `COPY <table> (...) FROM STDIN` of text already in COPY's text format, one row a line,
 * over a pg Client (which has no COPY of its own): the statement goes out, the server
 * answers CopyInResponse, the data follows as CopyData messages and CopyDone. For a
 * bulk load PostgreSQL parses these lines with no expression per value (an INSERT
 * of unnest(string_to_array(...)) casts and unnests arrays first).
 * Resolves with the rows copied; rejects with the server's error (the row it names).
 */
export function copyIn(db: Client, statement: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    const copy: Submittable & Record<string, unknown> = {
      submit: (connection: Connection) => connection.query(statement),
      handleCopyInResponse: (connection: CopyConnection) => {
        // Chunks of at most 1 MB: one CopyData message need not hold a whole batch.
        for (let at = 0; at < data.length; at += CHUNK) connection.sendCopyFromChunk(data.subarray(at, at + CHUNK));
        connection.endCopyFrom();
      },
      handleCommandComplete: (msg: { text?: string }) => {
        rows = Number(/^COPY (\d+)/.exec(msg.text ?? '')?.[1] ?? 0);
      },
      // After an error the client forgets the query: the server's ReadyForQuery comes to no one.
      handleError: (err: Error) => reject(err),
      handleReadyForQuery: () => resolve(rows),
      handleRowDescription: noop,
      handleDataRow: noop,
      handleEmptyQuery: noop,
      handlePortalSuspended: noop,
      handleCopyData: noop,
    };
    void db.query(copy);
  });
}

const CHUNK = 1 << 20;
/** What pg's Connection does for COPY FROM STDIN (its type declarations leave these out). */
type CopyConnection = Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };
const noop = () => undefined;

/** A nullable value as a COPY text field: `\N` for null. */
export const copyField = (v: string | null | undefined): string => v ?? '\\N';
