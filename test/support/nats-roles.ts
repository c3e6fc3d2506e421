import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, TestNatsServer } from '@calm/testing';

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
