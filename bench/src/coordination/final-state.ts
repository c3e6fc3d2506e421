import { withPg } from '../infra';
import type { ScenarioRecord } from './scenario-load';

export interface FinalState {
  /** Every accepted scenario has its customer and a valid account. */
  converged: boolean;
  /** ms from the check's start until converged (null when it never did). */
  convergedAfterMs: number | null;
  /** Accepted but absent: the account is missing, or a customer acknowledged with 2xx is. Must be 0. */
  lost: number;
  /** Accepted accounts still pending (calm: their customer has not been created yet) at the deadline. */
  pending: number;
}

/** The ids of `ids` present in `table` (and, for accounts, whether each is valid). */
async function present(url: string, sql: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await withPg(url, (c) => c.query<{ id: string; status: string }>(sql, [ids]).then((r) => r.rows));
  return new Map(rows.map((r) => [r.id, r.status]));
}

/**
 * Polls both databases until every accepted scenario reached its final status (customer
 * created, account valid), or the deadline passes. Read straight from the service
 * databases, so the check is the same for every design.
 */
export async function checkFinalState(records: ScenarioRecord[], db: { customers: string; accounts: string }, deadlineMs: number): Promise<FinalState> {
  const accepted = records.filter((r) => r.accepted);
  const t0 = Date.now();
  for (;;) {
    const [accounts, customers] = await Promise.all([
      present(
        db.accounts,
        `SELECT account_id::text AS id, status FROM account WHERE account_id = ANY($1::uuid[])`,
        accepted.map((r) => r.accountId),
      ),
      present(
        db.customers,
        `SELECT customer_id::text AS id, 'created' AS status FROM customer WHERE customer_id = ANY($1::uuid[])`,
        accepted.map((r) => r.customerId),
      ),
    ]);
    const done = accepted.every((r) => accounts.get(r.accountId) === 'valid' && customers.has(r.customerId));
    if (done || Date.now() - t0 > deadlineMs) {
      return {
        converged: done,
        convergedAfterMs: done ? Date.now() - t0 : null,
        lost: accepted.filter((r) => !accounts.has(r.accountId) || (r.completed && !customers.has(r.customerId))).length,
        pending: accepted.filter((r) => accounts.get(r.accountId) === 'pending').length,
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
