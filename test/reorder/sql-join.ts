/**
 * The join as PostgreSQL runs it, behind the suite's `Join` interface: each fact goes
 * through the account service's real statements (open_accounts, the group commit's
 * function, for account.opened, customerFactsStatements + outcomeEventsSql for customer.created and
 * customer.sealed)
 * against a database migrated by the real migrations. A state is one transaction, rolled
 * back when disposed (faster than a schema per trial); savepoints give the properties
 * their "try both orders from here".
 *
 * What the rest of the world is told is read where the service writes it: the
 * account.validated and account.rejected rows each fact put in the outbox.
 *
 * The statements run inside the state's transaction instead of each in its own (the
 * service's runners add only BEGIN/COMMIT around the same statements): the properties
 * here are about orders, one fact after another; interleavings.spec.ts steps the paths
 * concurrently, statement by statement.
 */
import { Client } from 'pg';
import { uuidV5 } from '@calm/contracts';
import { Sql, queryNamed, sql, Database } from '@calm/pg';
import { TestDatabase, freshDatabase } from '@calm/testing';
import type { Account, AccountFact } from '@calm/folds';
import { ValidatedRow, customerFactsStatements, outcomeEventsSql } from '../../apps/accounts/src/persistence/customer-facts.sql';
import { openAccountsSql, openMember } from '../../apps/accounts/src/persistence/open-accounts-batch.sql';
import { accountsMigrations } from '../../migrations/accounts';
import type { Join } from './properties';

/** The suite's labels (a1, c2) as UUIDs and back: the label's bytes in the last 12 hex digits. */
export const uuidOf = (label: string): string => `00000000-0000-4000-8000-${Buffer.from(label, 'latin1').toString('hex').padStart(12, '0')}`;
export const labelOf = (uuid: string): string => Buffer.from(uuid.slice(24), 'hex').toString('latin1').replace(/^\0+/, '');

/**
 * A mistake made in the real SQL, as a mutation of it: `ddl` runs after the migrations
 * (to replace a database function), `rewrite` changes the text of the lock statement. Each
 * rewrite must apply, so a mutant can never silently equal the real statements.
 */
export interface SqlMutation {
  name: string;
  ddl?: string;
  rewrite?: { statement: 'lock'; from: string; to: string };
}

export function rewritten(mutation: SqlMutation | undefined, name: 'lock', statement: Sql): Sql {
  const r = mutation?.rewrite;
  if (!r || r.statement !== name) return statement;
  if (!statement.text.includes(r.from)) throw new Error(`mutation "${mutation.name}": "${r.from}" not found in the ${name} statement`);
  return sql.trusted(statement.text.split(r.from).join(r.to));
}

export interface SqlState {
  client: Client;
  savepoints: number;
  /** SAVEPOINT / ROLLBACK TO statements not sent yet: they travel with the next query (one round trip fewer each). */
  deferred: Sql[];
}

/** Sends the deferred statements and then `statements`, in one message; answers the latter by name. */
async function send<N extends string>(state: SqlState, statements: Record<N, Sql>): Promise<Record<N, import('pg').QueryResult>> {
  const deferred = Object.fromEntries(state.deferred.map((s, i) => [`deferred${i}`, s]));
  state.deferred = [];
  return queryNamed(state.client, { ...deferred, ...statements } as Record<N, Sql>);
}

/** The envelope time of the events the customer path writes: any fixed instant (the properties compare data, not envelopes). */
const EVENT_TIME = new Date(Date.UTC(2026, 0, 1));
const NAMESPACE = '7c2e9a1d-3b4f-5a6c-8d7e-9f0a1b2c3d4e';

/** Marks the outbox before a fact, so the statement after it reads only what the fact wrote. */
const mark = sql`SELECT set_config('reorder.mark', coalesce(max(id), 0)::text, true) FROM outbox`;
const reportsSince = sql`SELECT payload FROM outbox WHERE id > current_setting('reorder.mark')::bigint
  AND (subject LIKE 'account.validated.%' OR subject LIKE 'account.rejected.%') ORDER BY id`;

interface AccountRowText {
  account_id: string;
  customer_id: string;
  currency: string;
  status: Account['status'];
  opened_at: Date;
  validated_at: Date | null;
  rejected_at: Date | null;
}

export class SqlJoinStore {
  private active = false;

  private constructor(
    readonly database: TestDatabase,
    private readonly client: Client,
    readonly mutation?: SqlMutation,
  ) {}

  /** A fresh database, migrated, with the mutation's DDL applied. */
  static async open(label: string, mutation?: SqlMutation): Promise<SqlJoinStore> {
    const database = await freshDatabase(`reorder_sql_${label}`);
    const migrated = new Database({ name: `reorder-${label}`, url: database.url, migrations: accountsMigrations });
    await migrated.ready;
    await migrated.close();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    if (mutation?.ddl) await client.query(mutation.ddl);
    return new SqlJoinStore(database, client, mutation);
  }

  async close(): Promise<void> {
    await this.client.end();
    await this.database.drop();
  }

  get join(): Join<SqlState> {
    return {
      name: this.mutation ? `SQL: ${this.mutation.name}` : 'SQL (the service statements)',
      initialState: () => this.begin(),
      evolve: (state, fact) => this.evolve(state, fact),
      accounts: (state) => this.accounts(state),
      savepoint: async (state) => {
        const name = sql.trusted(`s${state.savepoints++}`);
        state.deferred.push(sql`SAVEPOINT ${name}`);
        return async () => void state.deferred.push(sql`ROLLBACK TO SAVEPOINT ${name}`);
      },
      dispose: async (state) => {
        this.active = false;
        state.deferred = [];
        await state.client.query('ROLLBACK');
      },
    };
  }

  private async begin(): Promise<SqlState> {
    // One connection: the properties keep one state at a time (a second would wait on the first one's locks).
    if (this.active) throw new Error('SqlJoinStore: a state is already open');
    this.active = true;
    await this.client.query('BEGIN');
    return { client: this.client, savepoints: 0, deferred: [] };
  }

  private async evolve(state: SqlState, fact: AccountFact): Promise<Account[]> {
    const m = this.mutation;
    if (fact.type === 'account.opened') {
      const { accountId, customerId, currency, openedAt } = fact.data;
      // A group of one: the call the service makes (its lock inside; no rewrite mutant targets it).
      const open = openAccountsSql([openMember({ accountId: uuidOf(accountId), customerId: uuidOf(customerId), currency }, new Date(openedAt))]);
      const r = await send(state, { mark, open, reports: reportsSince });
      return r.reports.rows.map(toReport);
    }
    const time = fact.type === 'customer.created' ? fact.data.createdAt : fact.data.sealedAt;
    // One event id per fact (a repeat of the same fact is a redelivery, which the inbox absorbs).
    const customerFact = {
      id: uuidV5(`${fact.type}/${fact.data.customerId}/${time}`, NAMESPACE),
      type: fact.type,
      customerId: uuidOf(fact.data.customerId),
      time,
    };
    const { claim, lock, join } = customerFactsStatements([customerFact]);
    const first = await send(state, { mark, claim, lock: rewritten(m, 'lock', lock), join });
    const events = outcomeEventsSql(first.join.rows as ValidatedRow[], EVENT_TIME);
    const second = await (events ? queryNamed(state.client, { events, reports: reportsSince }) : queryNamed(state.client, { reports: reportsSince }));
    return second.reports.rows.map(toReport);
  }

  private async accounts(state: SqlState): Promise<Map<string, Account>> {
    const { rows } = (await send(state, { accounts: sql`SELECT account_id, customer_id, currency, status, opened_at, validated_at, rejected_at FROM account` }))
      .accounts as { rows: AccountRowText[] };
    return new Map(
      rows.map((r) => [
        labelOf(r.account_id),
        {
          accountId: labelOf(r.account_id),
          customerId: labelOf(r.customer_id),
          currency: r.currency,
          status: r.status,
          openedAt: r.opened_at.toISOString(),
          validatedAt: r.validated_at?.toISOString() ?? null,
          rejectedAt: r.rejected_at?.toISOString() ?? null,
        },
      ]),
    );
  }
}

/** An account.validated or account.rejected event as the suite's report (the fields an event carries; the rest is not published). */
function toReport(row: { payload: { type: string; data: { accountId: string; customerId: string; validatedAt?: string; rejectedAt?: string } } }): Account {
  const { accountId, customerId, validatedAt, rejectedAt } = row.payload.data;
  const base = { accountId: labelOf(accountId), customerId: labelOf(customerId), currency: '', openedAt: '' };
  return row.payload.type === 'account.rejected'
    ? { ...base, status: 'rejected', validatedAt: null, rejectedAt: rejectedAt! }
    : { ...base, status: 'valid', validatedAt: validatedAt!, rejectedAt: null };
}
