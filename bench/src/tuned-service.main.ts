import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { loadConfig } from '@calm/config';
import { runMain } from '@calm/nest-platform';
import { startAccountsService, AccountsTuning } from '../../apps/accounts/src';
import { startCustomersService } from '../../apps/customers/src';
import { startStageLog } from './stage-log';

/**
 * The service's own main, plus in-process tuning from BENCH_TUNING (JSON), so the bench
 * can measure knobs (pool size, batch sizes) that the contract's configuration does not expose.
 * BENCH_MEMLOG_MS=<ms> also writes one JSON line of memory figures (RSS, V8 heap spaces,
 * external and array buffers) to stderr every <ms>, to tell what makes RSS grow, and
 * BENCH_TRACE_GC=1 turns on V8's --trace-gc-nvp (one line per collection, with the bytes
 * each scavenge promoted to the old generation).
 */
if (process.env.BENCH_TRACE_GC === '1') setFlagsFromString('--trace-gc-nvp');

/**
 * BENCH_HEAP_SAMPLES=<file>: V8's sampling heap profiler over the whole run, INCLUDING the
 * objects the collector already freed (what `--heap-prof` leaves out), written as a
 * .heapprofile at exit: where the service allocates, not only what it keeps.
 * BENCH_HEAP_PROMOTED=1 leaves out what the young generation's scavenges freed: what is
 * left is what lived long enough to be promoted (and what is still alive), the objects
 * that grow the old generation until its next mark-compact.
 */
const heapSamples = process.env.BENCH_HEAP_SAMPLES;
if (heapSamples) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 32_768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_PROMOTED !== '1',
  } as object);
  const dump = () =>
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) writeFileSync(heapSamples, JSON.stringify((result as { profile: unknown }).profile));
    });
  process.prependListener('SIGTERM', dump);
}
/** BENCH_STAGE_LOG=<file>: the service's stage times (stage-log.ts), written at SIGTERM. */
if (process.env.BENCH_STAGE_LOG) startStageLog(process.env.BENCH_STAGE_LOG);
const memlogMs = Number(process.env.BENCH_MEMLOG_MS || 0);
if (memlogMs > 0) {
  const mb = (b: number) => Math.round(b / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace('_space', ''), mb(s.space_size)]));
    process.stderr.write(
      `${JSON.stringify({ memlog: Date.now(), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces })}\n`,
    );
  }, memlogMs).unref();
}

runMain('bench-service', async () => {
  const tuning = JSON.parse(process.env.BENCH_TUNING || '{}') as AccountsTuning;
  if (process.env.BENCH_SERVICE === 'customers') return (await startCustomersService(loadConfig('customers'), tuning)).app;
  return (await startAccountsService(loadConfig('accounts'), tuning)).app;
});
