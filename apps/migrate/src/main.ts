import 'reflect-metadata';
import { Database, defaults, parseDatabaseUrl, runMain } from '@calm/platform';
import { accountsMigrations } from '../../../migrations/accounts';
import { customersMigrations } from '../../../migrations/customers';
import { MIGRATE_USAGE, parseMigrateArgs } from './args';

/** `npm run db:migrate`: creates missing databases and applies pending migrations of both services. */
const args = parseMigrateArgs(process.argv.slice(2));
if ('help' in args) process.stdout.write(MIGRATE_USAGE);
else if ('error' in args) {
  process.stderr.write(`migrate: ${args.error}\n`);
  process.exitCode = 2;
} else runMain('migrate', migrate);

async function migrate(): Promise<void> {
  const targets = [
    { name: 'accounts', variable: 'ACCOUNTS_DATABASE_URL', migrations: accountsMigrations },
    { name: 'customers', variable: 'CUSTOMERS_DATABASE_URL', migrations: customersMigrations },
  ] as const;
  for (const t of targets) {
    const url = parseDatabaseUrl(t.variable, process.env[t.variable] || defaults[t.variable]);
    const db = new Database({ name: t.name, url, migrations: [...t.migrations] });
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
