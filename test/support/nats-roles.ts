import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { NatsClient } from '@calm/jetstream';
import { Database } from '@calm/pg';
import { loadConfig } from '@calm/config';
import { startNatsServer, TestNatsServer } from '@calm/local-infra';
import { waitFor } from '@calm/testing';
import { RunningService, startAccountsService } from '../../apps/accounts/src';
import { startCustomersService } from '../../apps/customers/src';
import { http } from './system';

/** Test-only passwords for the shipped roles (deploy/nats/auth.conf reads them from the environment). */
export const PASSWORDS = { customers: 'test-customers', accounts: 'test-accounts', replay: 'test-replay', publisher: 'test-publisher' };
export type Role = keyof typeof PASSWORDS;

/** Each role's private reply prefix: the one the clients derive from their user name (nats-connect-options.ts). */
export const inboxOf = (role: Role): string => `_INBOX_${role}`;

/** The JetStream API prefix the replay account imports the streams' API under (deploy/nats/auth.conf). */
export const REPLAY_API_PREFIX = 'JS.CALM.API';

export interface RolesBroker {
  nats: TestNatsServer;
  url(role: Role): string;
  /** A connection as `role`, on that role's own inbox prefix; closed by stop(). */
  as(role: Role): Promise<NatsConnection>;
  stop(): Promise<void>;
}

/** A private nats-server running the shipped deploy/nats/auth.conf (included from a private config). */
export async function startRolesBroker(): Promise<RolesBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'calm-nats-auth-'));
  copyFileSync(join(__dirname, '../../deploy/nats/auth.conf'), join(dir, 'auth.conf'));
  writeFileSync(join(dir, 'server.conf'), 'include "auth.conf"\n');
  const env = Object.fromEntries(Object.entries(PASSWORDS).map(([role, pass]) => [`${role.toUpperCase()}_NATS_PASSWORD`, pass]));
  const nats = await startNatsServer(['-c', join(dir, 'server.conf')], env);
  const clients: NatsConnection[] = [];
  return {
    nats,
    url: (role) => `nats://${role}:${PASSWORDS[role]}@127.0.0.1:${nats.port}`,
    async as(role) {
      const nc = await connect({ servers: `127.0.0.1:${nats.port}`, user: role, pass: PASSWORDS[role], inboxPrefix: inboxOf(role) });
      clients.push(nc);
      return nc;
    },
    async stop() {
      for (const nc of clients) await nc.close().catch(() => undefined);
      await nats.stop();
    },
  };
}

/**
 * Both services on their roles' credentials, started and ready (the positive control of the
 * role tests: the whole system runs with only what auth.conf allows).
 */
export async function startServicesOnRoles(
  broker: RolesBroker,
  databases: { accounts: string; customers: string },
): Promise<{ customers: { app: RunningService['app']; url: string }; accounts: RunningService }> {
  const customers = await startCustomersService(
    { ...loadConfig('customers', { NATS_URL: broker.url('customers'), CUSTOMERS_DATABASE_URL: databases.customers }), httpPort: 0 },
    { relay: { pollMs: 50 } },
  );
  const accounts = await startAccountsService(
    { ...loadConfig('accounts', { NATS_URL: broker.url('accounts'), ACCOUNTS_DATABASE_URL: databases.accounts }), httpPort: 0 },
    { relay: { pollMs: 50 } },
  );
  for (const app of [accounts.app, customers.app]) await Promise.all([app.get(Database).ready, app.get(NatsClient).ready]);
  await waitFor(
    'both ready',
    async () => (await http(accounts.url, 'GET', '/health/ready')).status === 200 && (await http(customers.url, 'GET', '/health/ready')).status === 200,
    30_000,
  );
  return { customers, accounts };
}
