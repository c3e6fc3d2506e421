/**
 * apply_customer_facts, the customer paths of the join (the statement the service sends:
 * persistence/customer-facts.sql.ts). CUSTOMER_FACTS_V1 is the text migration
 * 1763780015002 ran; join-sql.spec.ts holds it to that text. A change is a new version
 * and a new migration.
 */

/**
 * The customer paths of the join (customer.created, customer.sealed) as a database
 * function, for the same reason as open_account (1763780015001): sent inline, the
 * batch's join statement was parsed and planned for every batch, about 0.5 ms of the
 * database's CPU against 0.12 ms to run it for a batch of one (EXPLAIN ANALYZE on a warm
 * connection). A consumer that keeps up with its stream applies batches of one or two
 * events, so that planning was most of the database's share of each event's latency.
 *
 * The statement is the one it replaces, with the facts as parameters: the replicas
 * record each customer's earliest creation and earliest seal (a monotone min: a row
 * changes only when the time moves earlier), and each account of a changed customer is
 * set to account_join(opened_at, created_at, sealed_at) where that answer differs from
 * its row. It answers the changed rows with the status each had (`was`).
 *
 * VOLATILE: its statement takes its snapshot when it starts, after the caller's inbox
 * claim and lock statements (the write-skew guard, account-join.sql.ts). Hash and merge
 * joins are off for the function (its SET clause), so the plan it caches reaches the
 * batch's accounts by primary key even on a table without statistics (a bulk import,
 * the bench's REST phase): the planner once hashed a sequential scan of every account
 * to update one (customer-path-plan.int-spec.ts).
 */
export const CUSTOMER_FACTS_V1 = `
  CREATE FUNCTION apply_customer_facts(p_created uuid[], p_created_at timestamptz[], p_sealed uuid[], p_sealed_at timestamptz[])
  RETURNS TABLE (account_id uuid, customer_id uuid, status text, validated_at timestamptz, rejected_at timestamptz,
                 opened_at timestamptz, was text)
  LANGUAGE plpgsql VOLATILE
  SET enable_hashjoin = off
  SET enable_mergejoin = off
  AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
    WITH replica AS (
      INSERT INTO known_customer AS k (customer_id, created_at)
      SELECT e.c, min(e.t) FROM unnest(p_created, p_created_at) AS e(c, t) GROUP BY e.c
      ON CONFLICT (customer_id) DO UPDATE SET created_at = EXCLUDED.created_at WHERE EXCLUDED.created_at < k.created_at
      RETURNING k.customer_id, k.created_at
    ), seals AS (
      INSERT INTO sealed_customer AS s (customer_id, sealed_at)
      SELECT e.c, min(e.t) FROM unnest(p_sealed, p_sealed_at) AS e(c, t) GROUP BY e.c
      ON CONFLICT (customer_id) DO UPDATE SET sealed_at = EXCLUDED.sealed_at WHERE EXCLUDED.sealed_at < s.sealed_at
      RETURNING s.customer_id, s.sealed_at
    ), facts AS (
      -- a table written by a CTE reads as it was before the statement: the times just written come from the CTEs
      SELECT c.customer_id, coalesce(r.created_at, k.created_at) AS created_at, coalesce(n.sealed_at, s.sealed_at) AS sealed_at
      FROM (SELECT customer_id FROM replica UNION SELECT customer_id FROM seals) c
      LEFT JOIN replica r USING (customer_id) LEFT JOIN known_customer k USING (customer_id)
      LEFT JOIN seals n USING (customer_id) LEFT JOIN sealed_customer s USING (customer_id)
    ), target AS (
      SELECT a.account_id, a.status AS was, j.status, j.validated_at, j.rejected_at
      FROM account a JOIN facts f USING (customer_id) CROSS JOIN LATERAL account_join(a.opened_at, f.created_at, f.sealed_at) j
      WHERE (a.status, a.validated_at, a.rejected_at) IS DISTINCT FROM (j.status, j.validated_at, j.rejected_at)
      FOR UPDATE OF a
    )
    UPDATE account a SET status = t.status, validated_at = t.validated_at, rejected_at = t.rejected_at FROM target t
    WHERE a.account_id = t.account_id
    RETURNING a.account_id, a.customer_id, a.status, a.validated_at, a.rejected_at, a.opened_at, t.was;
  END
  $$;
`;
