import { Client } from 'pg';
import { Account, AccountsState } from '../../../accounts/src/domain/account';
import { CustomersState } from '../fold/customer-fold';

/**
 * Scratch copies of a service's state, as session-local TEMP tables (no WAL, invisible
 * to the service, gone when the CLI disconnects). The fold streams into them in large
 * multi-row INSERT ... SELECT FROM unnest(...) batches: one round trip per batch.
 */
const BATCH = 20_000;

export const SCRATCH = { account: 'replay_account', knownCustomer: 'replay_known_customer', customer: 'replay_customer' } as const;

export async function createAccountScratch(db: Client): Promise<void> {
  await db.query(`
    DROP TABLE IF EXISTS ${SCRATCH.account}, ${SCRATCH.knownCustomer};
    CREATE TEMP TABLE ${SCRATCH.account} (account_id uuid NOT NULL, customer_id uuid NOT NULL, currency char(3) NOT NULL,
      status text NOT NULL, opened_at timestamptz NOT NULL, validated_at timestamptz);
    CREATE TEMP TABLE ${SCRATCH.knownCustomer} (customer_id uuid NOT NULL, created_at timestamptz NOT NULL);`);
}

export async function createCustomerScratch(db: Client): Promise<void> {
  await db.query(`
    DROP TABLE IF EXISTS ${SCRATCH.customer};
    CREATE TEMP TABLE ${SCRATCH.customer} (customer_id uuid NOT NULL, name text NOT NULL, email text NOT NULL, created_at timestamptz NOT NULL);`);
}

/** Collects rows across folded partitions and writes them in batches, one batch in flight. */
class BatchWriter<T> {
  private rows: T[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  written = 0;

  constructor(private readonly write: (rows: T[]) => Promise<unknown>) {}

  async push(row: T): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= BATCH) await this.flush();
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

export function accountScratchSink(db: Client): { sink: (s: AccountsState) => Promise<void>; close: () => Promise<{ accounts: number; customers: number }> } {
  // Uuids, codes and times never contain a comma: each column travels as ONE joined
  // string split by PostgreSQL, much cheaper than pg's per-element array escaping.
  // The fold supplies the facts (each account's preferred opening, the earliest creation
  // of its customer, '' when none); status and validated_at come from account_join, the
  // same database function as the service's two paths.
  const accounts = new BatchWriter<[Account, string | undefined]>((rows) =>
    db.query(
      `INSERT INTO ${SCRATCH.account} (account_id, customer_id, currency, status, opened_at, validated_at)
       SELECT r.a, r.c, r.cur, j.status, r.o, j.validated_at
       FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::uuid[], string_to_array($3, ','),
                   string_to_array($4, ',')::timestamptz[], string_to_array($5, ',', '')::timestamptz[]) AS r(a, c, cur, o, created)
       CROSS JOIN LATERAL account_join(r.o, r.created) j`,
      [
        rows.map(([a]) => a.accountId).join(','),
        rows.map(([a]) => a.customerId).join(','),
        rows.map(([a]) => a.currency).join(','),
        rows.map(([a]) => a.openedAt).join(','),
        rows.map(([, created]) => created ?? '').join(','),
      ],
    ),
  );
  const customers = new BatchWriter<[string, string]>((rows) =>
    db.query(`INSERT INTO ${SCRATCH.knownCustomer} SELECT * FROM unnest(string_to_array($1, ',')::uuid[], string_to_array($2, ',')::timestamptz[])`, [
      rows.map((r) => r[0]).join(','),
      rows.map((r) => r[1]).join(','),
    ]),
  );
  return {
    sink: async (state) => {
      for (const a of state.accounts.values()) await accounts.push([a, state.customers.get(a.customerId)]);
      for (const c of state.customers) await customers.push(c);
    },
    close: async () => {
      await Promise.all([accounts.close(), customers.close()]);
      await indexAccountScratch(db);
      return { accounts: (await countRows(db, SCRATCH.account)), customers: customers.written };
    },
  };
}

/**
 * Unique keys for the comparison and the swap. Two openings of one account naming
 * different customers fold in different partitions; keep the one the domain prefers
 * (smallest openedAt, customerId, currency: see preferredOpening in account.ts).
 */
async function indexAccountScratch(db: Client): Promise<void> {
  await db.query(`CREATE UNIQUE INDEX ON ${SCRATCH.knownCustomer} (customer_id)`);
  try {
    await db.query(`CREATE UNIQUE INDEX ${SCRATCH.account}_pk ON ${SCRATCH.account} (account_id)`);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await db.query(
      `DELETE FROM ${SCRATCH.account} a USING ${SCRATCH.account} b
       WHERE a.account_id = b.account_id AND (b.opened_at, b.customer_id, b.currency) < (a.opened_at, a.customer_id, a.currency)`,
    );
    await db.query(`CREATE UNIQUE INDEX ${SCRATCH.account}_pk ON ${SCRATCH.account} (account_id)`);
  }
}

export function customerScratchSink(db: Client): { sink: (s: CustomersState) => Promise<void>; close: () => Promise<{ customers: number }> } {
  const writer = new BatchWriter<{ customerId: string; name: string; email: string; createdAt: string }>((rows) =>
    db.query(`INSERT INTO ${SCRATCH.customer} SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])`, [
      rows.map((r) => r.customerId),
      rows.map((r) => r.name),
      rows.map((r) => r.email),
      rows.map((r) => r.createdAt),
    ]),
  );
  return {
    sink: async (state) => {
      for (const c of state.values()) await writer.push(c);
    },
    close: async () => {
      await writer.close();
      await db.query(`CREATE UNIQUE INDEX ON ${SCRATCH.customer} (customer_id)`);
      return { customers: writer.written };
    },
  };
}

async function countRows(db: Client, table: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}
