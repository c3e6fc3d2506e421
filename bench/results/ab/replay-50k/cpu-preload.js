// CPU time of the CLI after its modules loaded (from the first setImmediate to exit), on stderr as "CMDCPU <ms>".
let start;
setImmediate(() => {
  start = process.cpuUsage();
});
process.on('exit', () => {
  const u = process.cpuUsage(start);
  process.stderr.write(`CMDCPU ${Math.round((u.user + u.system) / 1000)}\n`);
});
