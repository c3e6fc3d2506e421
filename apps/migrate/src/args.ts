/** What `npm run db:migrate` prints for --help. */
export const MIGRATE_USAGE = `Usage: npm run db:migrate   (node dist/apps/migrate/src/main.js)

Creates the account and customer databases when missing and applies their pending
migrations, under the same advisory lock as the services' start (one migrator at a time).
Takes no arguments; the databases come from ACCOUNTS_DATABASE_URL and CUSTOMERS_DATABASE_URL
(defaults: the local PostgreSQL, databases accounts and customers).
--version (-V) prints the version.
`;

/**
 * The migrate CLI's arguments: none runs the migrations, --help or -h prints the usage,
 * anything else is refused. It took none and ignored any, so `--help` ran the migrations
 * against the default databases and created them.
 */
export function parseMigrateArgs(argv: readonly string[]): { run: true } | { help: true } | { version: true } | { error: string } {
  if (argv.length === 0) return { run: true };
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { help: true };
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return { version: true };
  return { error: `migrate takes no arguments (got ${argv.map((a) => JSON.stringify(a)).join(' ')}); --help prints the usage` };
}
