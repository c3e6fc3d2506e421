import { Client } from 'pg';
import { Account, AccountsState, CustomerDecisionRecord, CustomersState, isSealing } from '@calm/folds';

/**
 * Scratch copies of a service's state, as session-local TEMP tables (no WAL, invisible
 * to the service, gone when the CLI disconnects). The fold streams into them in large
 * multi-row INSERT ... SELECT FROM unnest(...) batches: one round trip per batch, one
 * batch in flight while the fold goes on. Small enough that little is left to write
 * once the fold ends: with 20,000 the last batches and the indexes took 0.4-1.1 s after
 * the fold of an 80,000-event history, with 5,000 0.2-0.3 s (peak RSS 250 -> 220 MB).
 */
const BATCH = 5_000;

export const SCRATCH = {
  account: 'replay_account',
  knownCustomer: 'replay_known_customer',
  sealedCustomer: 'replay_sealed_customer',
  customer: 'replay_customer',
} as const;

export async function createAccountScratch(db: Client): Promise<void> {
  await db.query(`
    DROP TABLE IF EXISTS ${SCRATCH.account}, ${SCRATCH.knownCustomer}, ${SCRATCH.sealedCustomer};
    CREATE TEMP TABLE ${SCRATCH.account} (account_id uuid NOT NULL, customer_id uuid NOT NULL, currency char(3) NOT NULL,
      status text NOT NULL, opened_at timestamptz NOT NULL, validated_at timestamptz, rejected_at timestamptz);
    CREATE TEMP TABLE ${SCRATCH.knownCustomer} (customer_id uuid NOT NULL, created_at timestamptz NOT NULL);
    CREATE TEMP TABLE ${SCRATCH.sealedCustomer} (customer_id uuid NOT NULL, sealed_at timestamptz NOT NULL);`);
}

export async function createCustomerScratch(db: Client): Promise<void> {
  await db.query(`
    DROP TABLE IF EXISTS ${SCRATCH.customer};
    CREATE TEMP TABLE ${SCRATCH.customer} (customer_id uuid NOT NULL, name text, email text, created_at timestamptz, sealed_at timestamptz);`);
}

/** Collects rows across folded partitions and writes them in batches, one batch in flight. */
class BatchWriter<T> {
  private rows: T[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  written = 0;

  constructor(private readonly write: (rows: T[]) => Promise<unknown>) {}

  /**
   * Adds the row of each item, awaiting only when a batch has filled: an await per row
   * cost more than the rows' own building.
   */
  async pushAll<S>(items: Iterable<S>, rowOf: (item: S) => T): Promise<void> {
    for (const item of items) {
      this.rows.push(rowOf(item));
      if (this.rows.length >= BATCH) await this.flush();
    }
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    await this.inFlight;
    if (rows.length === 0) return;
    this.written += rows.length;
    this.inFlight = this.write(rows);
    // Awaited by the next flush; until then, do not let it count as unhandled.
    this.inFlight.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }
}

export function accountScratchSink(db: Client): {
  sink: (s: AccountsState) => Promise<void>;
  close: () => Promise<{ accounts: number; customers: number; seals: number }>;
} {
  // Uuids, codes and times never contain a comma: each column travels as ONE joined
  // string split by PostgreSQL, much cheaper than pg's per-element array escaping.
  // The fold supplies the facts (each account's preferred opening, the earliest creation
  // of its customer and the earliest seal of its id, '' when none); status, validated_at
  // and rejected_at come from account_join, the same database function as the service's paths.
  const accounts = new BatchWriter<[Account, string | undefined, string | undefined]>((rows) =>
    db.query(
      `INSERT INTO ${SCRATCH.account} (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at)
       SELECT r.a, r.c, r.cur, j.status, r.o, j.validated_at, j.rejected_at
       FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::uuid[], string_to_array($3, ','),
                   string_to_array($4, ',')::timestamptz[], string_to_array($5, ',', '')::timestamptz[],
                   string_to_array($6, ',', '')::timestamptz[]) AS r(a, c, cur, o, created, sealed)
       CROSS JOIN LATERAL account_join(r.o, r.created, r.sealed) j`,
      [
        rows.map(([a]) => a.accountId).join(','),
        rows.map(([a]) => a.customerId).join(','),
        rows.map(([a]) => a.currency).join(','),
        rows.map(([a]) => a.openedAt).join(','),
        rows.map(([, created]) => created ?? '').join(','),
        rows.map(([, , sealed]) => sealed ?? '').join(','),
      ],
    ),
  );
  const timesWriter = (table: string) =>
    new BatchWriter<[string, string]>((rows) =>
      db.query(`INSERT INTO ${table} SELECT * FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::timestamptz[])`, [
        rows.map((r) => r[0]).join(','),
        rows.map((r) => r[1]).join(','),
      ]),
    );
  const customers = timesWriter(SCRATCH.knownCustomer);
  const seals = timesWriter(SCRATCH.sealedCustomer);
  return {
    sink: async (state) => {
      await accounts.pushAll(state.accounts.values(), (a) => [a, state.customers.get(a.customerId), state.seals.get(a.customerId)]);
      await customers.pushAll(state.customers, (c) => c);
      await seals.pushAll(state.seals, (c) => c);
    },
    close: async () => {
      await Promise.all([accounts.close(), customers.close(), seals.close()]);
      // Rows written less the duplicate openings dropped: no count(*) over the table.
      const dropped = await indexAccountScratch(db);
      return { accounts: accounts.written - dropped, customers: customers.written, seals: seals.written };
    },
  };
}

/**
 * Unique keys for the comparison and the swap. Two openings of one account naming
 * different customers fold in different partitions; keep the one the domain prefers
 * (smallest openedAt, customerId, currency: see preferredOpening in account.ts).
 * Returns how many such openings it dropped.
 */
async function indexAccountScratch(db: Client): Promise<number> {
  await db.query(`CREATE UNIQUE INDEX ON ${SCRATCH.knownCustomer} (customer_id)`);
  await db.query(`CREATE UNIQUE INDEX ON ${SCRATCH.sealedCustomer} (customer_id)`);
  try {
    await db.query(`CREATE UNIQUE INDEX ${SCRATCH.account}_pk ON ${SCRATCH.account} (account_id)`);
    return 0;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    const { rowCount } = await db.query(
      `DELETE FROM ${SCRATCH.account} a USING ${SCRATCH.account} b
       WHERE a.account_id = b.account_id AND (b.opened_at, b.customer_id, b.currency) < (a.opened_at, a.customer_id, a.currency)`,
    );
    await db.query(`CREATE UNIQUE INDEX ${SCRATCH.account}_pk ON ${SCRATCH.account} (account_id)`);
    return rowCount ?? 0;
  }
}

export function customerScratchSink(db: Client): { sink: (s: CustomersState) => Promise<void>; close: () => Promise<{ customers: number }> } {
  const writer = new BatchWriter<CustomerDecisionRecord>((rows) =>
    db.query(`INSERT INTO ${SCRATCH.customer} SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])`, [
      rows.map((r) => r.customerId),
      rows.map((r) => (isSealing(r) ? null : r.name)),
      rows.map((r) => (isSealing(r) ? null : r.email)),
      rows.map((r) => (isSealing(r) ? null : r.createdAt)),
      rows.map((r) => (isSealing(r) ? r.sealedAt : null)),
    ]),
  );
  return {
    sink: async (state) => {
      await writer.pushAll(state.values(), (c) => c);
    },
    close: async () => {
      await writer.close();
      await db.query(`CREATE UNIQUE INDEX ON ${SCRATCH.customer} (customer_id)`);
      return { customers: writer.written };
    },
  };
}
