import { Client } from 'pg';
import { consumers } from '@calm/contracts';
import { Nats, Service } from '../cli/replay-context';

const ACCOUNTS_CONSUMER = consumers.validateAccountsWhenCustomerCreated;

/**
 * Signs that the service is running against this database right now. Rebuild refuses
 * while there is any: a running service could commit a row between the fold and the
 * swap, and the swap would silently drop it.
 * - another session on the service's database (a running service always holds one:
 *   its outbox relay polls every second);
 * - for accounts, a pull request waiting on the durable consumer (num_waiting > 0).
 */
export async function runningServiceSigns(db: Client, service: Service, nats?: Nats): Promise<string[]> {
  const signs: string[] = [];
  const { rows } = await db.query(
    `SELECT pid, coalesce(nullif(application_name, ''), '(no name)') AS app, coalesce(client_addr::text, 'local') AS addr
     FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  for (const r of rows) signs.push(`database session pid ${r.pid} (${r.app}, ${r.addr})`);
  if (service === 'accounts' && nats) {
    const info = await nats.jsm.consumers.info(ACCOUNTS_CONSUMER.stream, ACCOUNTS_CONSUMER.durable).catch(() => null);
    if (info && info.num_waiting > 0) signs.push(`consumer ${ACCOUNTS_CONSUMER.durable} has ${info.num_waiting} waiting pull request(s)`);
  }
  return signs;
}
