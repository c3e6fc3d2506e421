import type { JoinOptions } from './account-join.sql';

/**
 * How the service builds the join's SQL on both paths (account-join.sql.ts JoinOptions).
 *
 * `lockCustomers: false` drops the write-skew guard (the per-customer advisory lock).
 * In the service it exists for ONE purpose: the negative control in
 * test/e2e/write-skew.e2e-spec.ts, which shows that without the lock simultaneous
 * POST + customer.created pairs leave accounts pending forever. No configuration reaches
 * it: main.ts passes no such tuning, and loadConfig has no variable for it.
 */
export type JoinSqlOptions = JoinOptions;

/** Nest token; absent in every production module, so the store takes the guarded default. */
export const JOIN_SQL_OPTIONS = Symbol('JOIN_SQL_OPTIONS');
