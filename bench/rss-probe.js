/**
 * Preloaded into a measured child process (`node --import bench/rss-probe.js …`): when the
 * process exits, it writes its peak resident set size (getrusage maxRSS, in bytes) to stderr on
 * one marked line, with the CPU seconds it used, which bench/child.js reads and removes. It changes nothing else.
 */
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n@@bench-peak-rss ${u.maxRSS * 1024} ${(u.userCPUTime + u.systemCPUTime) / 1e6}\n`);
});
