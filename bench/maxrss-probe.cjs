// Preloaded (`node --require bench/maxrss-probe.cjs ...`) into a measured process: prints its peak
// resident set size on stderr at exit, as `oli-bench-maxrss-kb=N` (process.resourceUsage().maxRSS).
'use strict';
process.on('exit', () => {
  process.stderr.write(`\noli-bench-maxrss-kb=${process.resourceUsage().maxRSS}\n`);
});
