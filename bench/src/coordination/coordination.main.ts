import { join } from 'node:path';
import { Command } from 'commander';
import { versionLine } from '@calm/config';
import { coordinationBench } from './coordination.bench';

/**
 * The coordination study's own entry point (`npm run bench -- --coordination` hands over
 * to it): CALM against coordination (calm, sync, twopc), written to
 * bench/results/coordination.json. It uses the product bench's helpers (infra, report,
 * service processes); the product bench loads nothing of it.
 *
 *   node dist/bench/src/coordination/coordination.main.js [--quick] [--connections n] ...
 */
interface Options {
  quick?: boolean;
  rounds?: number;
  connections: number;
  duration?: number;
  cpuProf?: string;
  out?: string;
}

const program = new Command()
  .name('bench --coordination')
  .description('CALM against coordination (calm, sync, twopc): writes bench/results/coordination.json')
  .version(versionLine('bench'), '-V, --version', 'print the version and exit')
  .option('--quick', 'one short round each, and k = 4 left out')
  .option('--rounds <n>', 'rounds per figure (median reported)', Number)
  .option('--connections <n>', 'HTTP connections of the load', Number, 10)
  .option('--duration <s>', 'seconds per round', Number)
  .option('--cpu-prof <dir>', 'run every process of every design under node --cpu-prof, profiles written to <dir>')
  .option('--out <file>', 'JSON results file (default bench/results/coordination.json)');

const opts = program.parse(process.argv).opts<Options>();
coordinationBench({
  quick: !!opts.quick,
  connections: opts.connections,
  rounds: opts.rounds,
  duration: opts.duration,
  cpuProfDir: opts.cpuProf,
  out: opts.out ?? join(__dirname, '..', '..', '..', '..', 'bench', 'results', 'coordination.json'),
}).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
