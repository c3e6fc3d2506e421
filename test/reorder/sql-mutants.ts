/**
 * The broken joins of broken-joins.ts, made in the real SQL instead of in a model: each
 * is a small edit of the migration's function or of one of the service's statements
 * (sql-join.ts applies it and fails if the edit does not apply). The properties must
 * catch every one against PostgreSQL, as they catch the model mutants in memory.
 */
import { ACCOUNT_JOIN_V2 } from '../../apps/accounts/src/join/account-join.function';
import { CUSTOMER_FACTS_V1 } from '../../apps/accounts/src/join/customer-facts.function';
import { OPEN_ACCOUNT_V4 } from '../../apps/accounts/src/join/open-account.function';
import type { SqlMutation } from './sql-join';

const replacedJoin = (from: string, to: string): string => {
  if (!ACCOUNT_JOIN_V2.includes(from)) throw new Error(`"${from}" not in ACCOUNT_JOIN_V2`);
  return ACCOUNT_JOIN_V2.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').split(from).join(to);
};

/**
 * The account path's function as it stands now (open_account with its latest arguments:
 * the one open_accounts calls) with one edit. An edit of an older version would create an
 * overload nobody calls, and the mutant would change nothing.
 */
const replacedOpen = (from: string, to: string): string => {
  if (!OPEN_ACCOUNT_V4.includes(from)) throw new Error(`"${from}" not in OPEN_ACCOUNT_V4`);
  return OPEN_ACCOUNT_V4.split(from).join(to);
};

/** The customer paths' function (apply_customer_facts) with one edit: their join statement is a call of it. */
const replacedFacts = (from: string, to: string): string => {
  if (!CUSTOMER_FACTS_V1.includes(from)) throw new Error(`"${from}" not in CUSTOMER_FACTS_V1`);
  return CUSTOMER_FACTS_V1.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').split(from).join(to);
};

/** validated_at = LEAST(opened_at, created_at): the earlier fact instead of the later one. */
export const leastForGreatest: SqlMutation = {
  name: 'LEAST for GREATEST',
  ddl: replacedJoin('GREATEST(opened_at, customer_created_at)', 'LEAST(opened_at, customer_created_at)'),
};

/** rejected_at = LEAST(opened_at, sealed_at): the seal's outcome dated by the earlier fact. */
export const leastForGreatestSealed: SqlMutation = {
  name: 'LEAST for GREATEST (rejected)',
  ddl: replacedJoin('GREATEST(opened_at, customer_sealed_at)', 'LEAST(opened_at, customer_sealed_at)'),
};

/** The account path ignores seals: an account opened for a sealed customer stays pending for ever. */
export const sealOnlyOnCustomerPath: SqlMutation = {
  name: 'seal only on the customer path',
  ddl: replacedOpen('LEFT JOIN seal s ON true', 'LEFT JOIN seal s ON false'),
};

/** The replica keeps the latest-arriving creation time instead of the earliest (last writer wins). */
export const latestWins: SqlMutation = {
  name: 'latest creation wins',
  ddl: replacedFacts(' WHERE EXCLUDED.created_at < k.created_at', ''),
};

/** The account path never looks at known customers: the join runs on the customer path only. */
export const onlyCustomerPath: SqlMutation = {
  name: 'join only on the customer path',
  ddl: replacedOpen('LEFT JOIN known k ON true', 'LEFT JOIN known k ON false'),
};

/** The customer path records the customer but validates no account: the join runs on the account path only. */
export const onlyAccountPath: SqlMutation = {
  name: 'join only on the account path',
  ddl: replacedFacts('FROM account a JOIN facts f USING (customer_id)', 'FROM account a JOIN facts f ON f.customer_id = a.customer_id AND false'),
};

/**
 * Both paths take the customer lock in SHARED mode, so they no longer exclude each other.
 * One fact after another never contends for a lock, so no ORDER can show this one: the
 * interleaving test (interleavings.spec.ts) catches it, statement by statement.
 */
export const sharedLock: SqlMutation = {
  name: 'shared lock',
  rewrite: { statement: 'lock', from: 'pg_advisory_xact_lock(', to: 'pg_advisory_xact_lock_shared(' },
};

/** Caught by the order properties in the SQL store. */
export const orderMutants: SqlMutation[] = [leastForGreatest, latestWins, onlyCustomerPath, onlyAccountPath, leastForGreatestSealed, sealOnlyOnCustomerPath];
