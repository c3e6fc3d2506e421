import { Database } from '@calm/pg';
import { freshDatabase, TestDatabase } from '@calm/testing';
import { accountsMigrations } from '../../migrations/accounts';
import { AccountStore } from '../../apps/accounts/src';
import type { GroupCommitOptions } from '../../apps/accounts/src/persistence/group-commit';

export interface AccountStoreDatabase {
  /** The fresh database's URL (for queryDatabase). */
  url: string;
  db: Database;
  store: AccountStore;
  /** How often the store has woken the relay (a stand-in relay that counts). */
  wakes: number;
}

/**
 * One fresh, migrated accounts database for a spec file and an AccountStore over it,
 * made in beforeAll and dropped in afterAll. `prepare` runs once the schema is there,
 * before the tests (a table's state that a spec needs).
 */
export function accountStoreDatabase(
  name: string,
  options: { groupCommit?: GroupCommitOptions; prepare?: (url: string) => Promise<void>; timeoutMs?: number } = {},
): AccountStoreDatabase {
  const fixture = { wakes: 0 } as AccountStoreDatabase;
  let test: TestDatabase;
  beforeAll(async () => {
    test = await freshDatabase(name);
    fixture.url = test.url;
    fixture.db = new Database({ name: `${name.replace(/_/g, '-')}-test`, url: test.url, migrations: accountsMigrations });
    await fixture.db.ready;
    fixture.store = new AccountStore(fixture.db, { wake: () => void fixture.wakes++ }, options.groupCommit);
    await options.prepare?.(test.url);
  }, options.timeoutMs);
  afterAll(async () => {
    await fixture.db?.close();
    await test?.drop();
  });
  return fixture;
}
