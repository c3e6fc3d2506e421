/**
 * Preloaded with `node -r` by replay-ab.main.ts: the process's CPU time from its first
 * turn of the event loop (its modules loaded) to its exit, printed to stderr as
 * `CPU-AFTER-LOAD <ms>`, so that an A/B compares the work, not the module loading.
 */
let start: NodeJS.CpuUsage | undefined;
setImmediate(() => (start = process.cpuUsage()));
process.on('exit', () => {
  const used = process.cpuUsage(start);
  process.stderr.write(`\nCPU-AFTER-LOAD ${Math.round((used.user + used.system) / 1000)}\n`);
});
