/**
 * How the join's SQL is built, on both paths (open-account.sql.ts, customers-created.sql.ts).
 *
 * `lockCustomers: false` drops the write-skew guard (the per-customer advisory lock).
 * It exists for ONE purpose: the negative control in test/e2e/write-skew.e2e-spec.ts,
 * which shows that without the lock simultaneous POST + customer.created pairs leave
 * accounts pending forever. No configuration reaches it: main.ts passes no such
 * tuning, and loadConfig has no variable for it.
 */
export interface JoinSqlOptions {
  lockCustomers: boolean;
}

export const GUARDED_JOIN: JoinSqlOptions = { lockCustomers: true };

/** Nest token; absent in every production module, so the store builds GUARDED_JOIN. */
export const JOIN_SQL_OPTIONS = Symbol('JOIN_SQL_OPTIONS');
