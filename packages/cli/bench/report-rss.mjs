// Imported into the measured CLI process (node --import): prints its peak resident set size (KiB) on exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nmaxrss_kib ${process.resourceUsage().maxRSS}\n`);
});
