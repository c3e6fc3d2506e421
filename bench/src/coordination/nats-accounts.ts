import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestNatsServer, startNatsServer } from '@calm/local-infra';

export interface AccountsNats {
  port: number;
  /** The URL a service of `account` connects with: its own JetStream namespace. */
  urlFor(account: string): string;
  stop(): Promise<void>;
}

/**
 * One private nats-server with one NATS account per design: each design's services see
 * their own CUSTOMERS and ACCOUNTS streams (the stream names are fixed by the contract),
 * on the same server process and configuration. Loopback only; the passwords guard nothing
 * but the separation of the designs.
 */
export async function startAccountsNats(accounts: readonly string[]): Promise<AccountsNats> {
  const dir = mkdtempSync(join(tmpdir(), 'calm-coord-nats-'));
  const blocks = accounts.map((a) => `  ${a}: { jetstream: enabled, users: [ { user: ${a}, password: ${a} } ] }`).join('\n');
  writeFileSync(join(dir, 'accounts.conf'), `accounts {\n${blocks}\n}\n`);
  const server: TestNatsServer = await startNatsServer(['-c', join(dir, 'accounts.conf')]);
  return {
    port: server.port,
    urlFor: (a) => `nats://${a}:${a}@127.0.0.1:${server.port}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
