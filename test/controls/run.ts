import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Control } from './control';
import { ControlResult, executeControl } from './execute';
import { loadControls, repoRoot } from './registry';
import { record, recordTimes, table } from './report';
import { SUBSETS } from './subsets';

const USAGE = `usage: npm run test:controls -- [--only <name>[,<name>...]] [--subset <${Object.keys(SUBSETS).join('|')}>] [--list] [--no-record] [--keep]
  Applies each negative control (test/controls/*.controls.ts) in a scratch copy, builds if
  a test needs dist/, runs its tests and fails unless every one of them fails.
  --only     run the named controls       --subset  run a named subset (test/controls/subsets.ts)
  --list     print the registry and exit  --no-record  do not write docs/controls-run.md
  --keep     keep the scratch copies`;

interface Args {
  only?: string[];
  subset?: string;
  list: boolean;
  record: boolean;
  keep: boolean;
}

function parse(argv: readonly string[]): Args {
  const args: Args = { list: false, record: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--subset') args.subset = argv[++i];
    else if (a === '--list') args.list = true;
    else if (a === '--no-record') args.record = false;
    else if (a === '--keep') args.keep = true;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return args;
}

/** The controls the arguments select; a name that is not in the registry is an error. */
function select(all: readonly Control[], args: Args): Control[] {
  const names = args.only ?? (args.subset !== undefined ? SUBSETS[args.subset] : undefined);
  if (args.subset !== undefined && !SUBSETS[args.subset]) throw new Error(`no subset ${args.subset}\n${USAGE}`);
  if (!names) return [...all];
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) throw new Error(`not in the registry: ${unknown.join(', ')}`);
  return all.filter((c) => names.includes(c.name));
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const all = loadControls();
  if (args.list) {
    for (const c of all) console.log(`${c.name}: ${c.breaks} (${c.tests.join(', ')})`);
    return 0;
  }
  const chosen = select(all, args);
  const results: ControlResult[] = [];
  for (const [i, c] of chosen.entries()) {
    console.log(`[${i + 1}/${chosen.length}] ${c.name}: ${c.breaks}`);
    const r = await executeControl(repoRoot, c, { keep: args.keep });
    console.log(`  ${r.result} in ${r.seconds} s: ${r.detail}`);
    results.push(r);
  }
  console.log(`\n${table(results)}`);
  const bad = results.filter((r) => r.result !== 'caught');
  const total = results.reduce((s, r) => s + r.seconds, 0);
  console.log(`\n${results.length - bad.length} of ${results.length} controls caught, ${total} s`);
  if (args.record) {
    const machine = `${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end of the last run (shared with other work)`;
    const resultsFile = join(repoRoot, 'docs', 'controls-run.md');
    record(
      resultsFile,
      results,
      all.map((c) => c.name),
      machine,
    );
    recordTimes(join(repoRoot, 'docs', 'testing.md'), resultsFile);
  }
  for (const r of bad) console.error(`control ${r.name}: ${r.result}: ${r.detail}`);
  return bad.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.message);
    process.exit(2);
  },
);
