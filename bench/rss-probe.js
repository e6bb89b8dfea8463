/**
 * Preloaded into a measured child process (`node --import bench/rss-probe.js …`): when the
 * process exits, it writes its peak resident set size (getrusage maxRSS, in bytes) to stderr on
 * one marked line, which bench/child.js reads and removes. It changes nothing else.
 */
process.on('exit', () => {
  process.stderr.write(`\n@@bench-peak-rss ${process.resourceUsage().maxRSS * 1024}\n`);
});
