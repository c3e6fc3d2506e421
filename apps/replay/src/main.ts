import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { consumers } from '@calm/contracts';
import { redactUrlCredentials, versionLine } from '@calm/config';
import { CliError, CliIo, EXIT, processIo } from './cli/cli-io';
import { terminalSafe } from './cli/terminal-safe';
import { ReplayContext, Service } from './cli/replay-context';
import { OutputOptions } from './cli/reporter';
import { dlqListCommand, dlqRetryCommand } from './commands/dlq.command';
import { inspectAccountCommand, inspectCustomerCommand } from './commands/inspect.command';
import { outboxRepublishCommand } from './commands/outbox-republish.command';
import { rebuildCommand } from './commands/rebuild.command';
import { shellsCommand } from './commands/shells.command';
import { tailCommand } from './commands/tail.command';
import { verifyCommand } from './commands/verify.command';

const intArg = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return Number(v);
};

function service(v: string): Service {
  if (v !== 'accounts' && v !== 'customers') throw new InvalidArgumentError('must be "accounts" or "customers"');
  return v;
}

/** Builds the command tree; every action records its exit code in `result`. */
function program(io: CliIo, result: { code: number }): Command {
  const root = new Command('replay')
    .description(
      'Event replay tool for calm-accounts: verify, rebuild, inspect, dead letters, tail, outbox repair.\n' +
        'Reads NATS_URL, ACCOUNTS_DATABASE_URL, CUSTOMERS_DATABASE_URL like the services.',
    )
    .version(versionLine('replay'), '-V, --version', 'print the version and exit')
    .option('--quiet', 'print only results (differences, rows), no progress or summaries')
    .option('--json', 'machine output: one JSON document per command on stdout')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s) })
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok/equal, 1 differences (verify, inspect) or not found, 2 usage, configuration or connection error, 3 rebuild refused (service running).',
    );

  const act =
    <A extends unknown[]>(fn: (ctx: ReplayContext, ...args: A) => Promise<number>) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const ctx = new ReplayContext(io, cmd.optsWithGlobals<OutputOptions>());
      try {
        result.code = await fn(ctx, ...(args.slice(0, -1) as A));
      } finally {
        await ctx.close();
      }
    };

  root
    .command('verify')
    .description('fold the whole event history (stream order, or shuffled) with the TypeScript fold into scratch tables and compare them with the live tables')
    .argument('<service>', 'accounts or customers', service)
    .option('--shuffle', 'fold in a random order (seeded; the seed is printed)')
    .option('--seed <n>', 'seed of the shuffle (implies --shuffle)', intArg('--seed'))
    .option('--limit <n>', 'print at most this many differences', intArg('--limit'), 1000)
    .addHelpText(
      'after',
      '\nAccounts: also checks the outcome events on ACCOUNTS against the fold (one account.validated or account.rejected,\n' +
        "derived id, the fold's time, per decided account; none for a pending one). Both: names the events the streams lack\n" +
        "that the services' outboxes say were stored.\n" +
        'Exit 0 when all agree, 1 when not (each difference named), 2 on errors.',
    )
    .action(act((ctx, svc: Service, o: { shuffle?: boolean; seed?: number; limit: number }) => verifyCommand(ctx, svc, o)));

  root
    .command('rebuild')
    .description("replace the service's state tables with the fold of its event history, atomically")
    .argument('<service>', 'accounts or customers', service)
    .option('--force', 'skip the running-service check (only when you are sure nothing writes to the database)')
    .option('--allow-skipped', 'replace the live state even when events of the history were skipped (they are listed either way)')
    .option('--allow-missing', 'replace the live state even when rows of it would be dropped because the streams lack events the outboxes say were stored')
    .addHelpText(
      'after',
      '\nRefuses (exit 1) when any event of the history was skipped, unless --allow-skipped, and when live rows would be\n' +
        'dropped because their events are missing from the streams (the outboxes say they were stored), unless --allow-missing.\nRefuses (exit 3) while the service runs: any other session on its database, or (accounts) a waiting pull\n' +
        `request on the ${consumers.validateAccountsWhenCustomerCreated.durable} consumer. Stop the service, rebuild, start it again. The swap is one\n` +
        'transaction: readers see the old state or the new one. Inbox, outbox and dead letters are left as they are.',
    )
    .action(act((ctx, svc: Service, o: { force?: boolean; allowSkipped?: boolean; allowMissing?: boolean }) => rebuildCommand(ctx, svc, o)));

  const inspect = root.command('inspect').description('every event about one entity, the state they fold to, and the live row');
  inspect
    .command('account')
    .description('events of one account and of its customer, folded state, live row (exit 1 when they differ)')
    .argument('<accountId>')
    .action(act((ctx, id: string) => inspectAccountCommand(ctx, id)));
  inspect
    .command('customer')
    .description('customer.created events of one customer, folded state, live row (exit 1 when they differ)')
    .argument('<customerId>')
    .action(act((ctx, id: string) => inspectCustomerCommand(ctx, id)));

  const dlq = root.command('dlq').description('dead-lettered events of the account service');
  dlq
    .command('list')
    .description('dead letters waiting for a retry: id, time, subject, stream seq, deliveries, reason')
    .option('--all', 'include letters already retried')
    .option('--limit <n>', 'at most this many', intArg('--limit'), 1000)
    .action(act((ctx, o: { all?: boolean; limit: number }) => dlqListCommand(ctx, o)));
  dlq
    .command('retry')
    .description('republish dead letters to their original subject (without Nats-Msg-Id) and mark them retried')
    .argument('[id]', 'the dead letter id (see dlq list)')
    .option('--all', 'every dead letter not yet retried')
    .option('--page-size <n>', 'with --all: letters read (payloads held in memory) at a time', intArg('--page-size'), 100)
    .action(
      act((ctx, id: string | undefined, o: { all?: boolean; pageSize: number }) => dlqRetryCommand(ctx, { id, all: o.all, pageSize: Math.max(1, o.pageSize) })),
    );

  root
    .command('tail')
    .description('follow events as they arrive, one line each (Ctrl-C stops)')
    .option('--type <type>', 'only this event type, e.g. customer.created')
    .option('--count <n>', 'stop after this many events', intArg('--count'))
    .option('--all', 'start with the stored history instead of new events only')
    .action(act((ctx, o: { type?: string; count?: number; all?: boolean }) => tailCommand(ctx, o)));

  root
    .command('shells')
    .description('stale shells: accounts still pending after the grace, oldest first; --resolve runs one shell sweep now')
    .option('--older-than <seconds>', 'pending for at least this long (default SHELL_GRACE_SECONDS, else 3600)', intArg('--older-than'))
    .option('--limit <n>', 'list at most this many', intArg('--limit'), 1000)
    .option('--resolve', "ask the customer service (customers.resolve) about each stale shell's customer and apply its answer")
    .addHelpText(
      'after',
      '\nThe owner decides: a known customer validates its shells, an unknown id is sealed and its shells rejected.\n' +
        'Exit 1 when --resolve left a customer undecided (no answer from the customer service): nothing was decided for it.',
    )
    .action(act((ctx, o: { olderThan?: number; limit: number; resolve?: boolean }) => shellsCommand(ctx, o)));

  const outbox = root.command('outbox').description("the services' retained outbox rows");
  outbox
    .command('republish')
    .description('republish outbox rows published in [--from, --to) to JetStream without Nats-Msg-Id (repair after a broker lost its tail); prints how many')
    .argument('<service>', 'accounts or customers', service)
    .requiredOption('--from <iso>', 'start of the range (published_at, inclusive)')
    .option('--to <iso>', 'end of the range (exclusive; default now)')
    .action(act((ctx, svc: Service, o: { from: string; to?: string }) => outboxRepublishCommand(ctx, svc, o)));

  return root;
}

/**
 * An error for the terminal: no URL credential (whatever a driver put in its message) and
 * no control character (it may quote a message); a multi-problem error keeps one line each.
 */
const errorLines = (message: string): string =>
  redactUrlCredentials(message)
    .split('\n')
    .map((l, i) => `${i === 0 ? 'error: ' : '       '}${terminalSafe(l)}`)
    .join('\n');

/** Runs one CLI invocation in-process and returns its exit code (tests call this directly). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const result = { code: EXIT.ok as number };
  try {
    await program(io, result).parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CliError) {
      io.err(errorLines(err.message));
      return err.exitCode;
    }
    io.err(errorLines((err as Error)?.message ?? String(err)));
    return EXIT.usage;
  }
}

if (require.main === module) {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  void run(process.argv.slice(2), processIo(abort.signal)).then((code) => process.exit(code));
}
