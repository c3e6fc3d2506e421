import { Client } from 'pg';
import { BatchWriter } from './batch-writer';
import { copyField, copyIn } from './copy-in';
import { Account, AccountsState, CustomerDecisionRecord, CustomersState, isSealing } from '@calm/folds';

/**
 * Scratch copies of a service's state, as session-local TEMP tables (no WAL, invisible
 * to the service, gone when the CLI disconnects), filled by batch-writer.ts.
 */
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

export function accountScratchSink(db: Client): {
  sink: (s: AccountsState) => Promise<void>;
  close: () => Promise<{ accounts: number; customers: number; seals: number }>;
} {
  // Uuids, codes, statuses and times never hold a tab, a newline or a backslash: each row
  // goes as one line of COPY's text format, with no escaping and no per-value expression
  // (bench/results/ab/replay-copy-scratch).
  // Every column is the fold's own value: status, validated_at and rejected_at are what
  // `join` (libs/folds) decided, written as data. No database function decides an
  // outcome here: the live rows were written by one (account_join), and a judge that
  // computed its expectation with it would agree with every bug of it.
  const accounts = new BatchWriter<Account>((rows) => {
    let text = '';
    for (const a of rows)
      text += `${a.accountId}\t${a.customerId}\t${a.currency}\t${a.status}\t${a.openedAt}\t${copyField(a.validatedAt)}\t${copyField(a.rejectedAt)}\n`;
    return copyIn(
      db,
      `COPY ${SCRATCH.account} (account_id, customer_id, currency, status, opened_at, validated_at, rejected_at) FROM STDIN`,
      Buffer.from(text, 'latin1'),
    );
  });
  const timesWriter = (table: string) =>
    new BatchWriter<[string, string]>((rows) => {
      let text = '';
      for (const r of rows) text += `${r[0]}\t${r[1]}\n`;
      return copyIn(db, `COPY ${table} FROM STDIN`, Buffer.from(text, 'latin1'));
    });
  const customers = timesWriter(SCRATCH.knownCustomer);
  const seals = timesWriter(SCRATCH.sealedCustomer);
  return {
    sink: async (state) => {
      await accounts.pushAll(state.accounts.values(), (a) => a);
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
 * (smallest openedAt, customerId, currency: see preferredOpening in libs/folds), whose
 * row carries the join its partition's fold gave it (its own customer's facts).
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
