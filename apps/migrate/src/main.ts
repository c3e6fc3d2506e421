import 'reflect-metadata';
import { Database } from '@calm/pg';
import { runMain } from '@calm/nest-platform';
import { migrateEnv, parseEnv, versionLine } from '@calm/config';
import { accountsMigrations } from '../../../migrations/accounts';
import { customersMigrations } from '../../../migrations/customers';
import { MIGRATE_USAGE, parseMigrateArgs } from './args';

/** `npm run db:migrate`: creates missing databases and applies pending migrations of both services. */
const args = parseMigrateArgs(process.argv.slice(2));
if ('help' in args) process.stdout.write(MIGRATE_USAGE);
else if ('version' in args) process.stdout.write(`${versionLine('migrate')}\n`);
else if ('error' in args) {
  process.stderr.write(`migrate: ${args.error}\n`);
  process.exitCode = 2;
} else runMain('migrate', migrate);

async function migrate(): Promise<void> {
  const env = parseEnv(migrateEnv, process.env);
  const targets = [
    { name: 'accounts', url: env.ACCOUNTS_DATABASE_URL, migrations: accountsMigrations },
    { name: 'customers', url: env.CUSTOMERS_DATABASE_URL, migrations: customersMigrations },
  ] as const;
  for (const t of targets) {
    const db = new Database({ name: t.name, url: t.url, migrations: [...t.migrations] });
    const timeout = setTimeout(() => {
      process.stderr.write(`migrate: ${t.name} database unreachable after 60 s\n`);
      process.exit(1);
    }, 60_000);
    await db.ready;
    clearTimeout(timeout);
    await db.close();
    process.stdout.write(`${t.name}: migrations up to date\n`);
  }
}
