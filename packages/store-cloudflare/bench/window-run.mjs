// The message-window section of npm run bench; alone: npm run bench:window (starts its own local Worker).
import { fileURLToPath } from 'node:url';
import { median, withLocalWorker } from './local-worker.mjs';

/** Prints, per backend, ms per window (newest 50 of 10,000; 50 before position 5,000) and per get of a 50-message conversation,
 * and the ratios (goal <= 1.3): five samples, each interleaved inside workerd, medians of each. True when every ratio holds. */
export async function benchWindows(worker) {
  const rows = [];
  for (const backend of ['d1', 'durable-object']) {
    const samples = [];
    for (let round = 0; round < 5; round++) {
      const response = await worker.fetch(`http://bench.local/?backend=${backend}&measure=window&rounds=20`);
      if (!response.ok) throw new Error(`${backend} windows: HTTP ${response.status} ${await response.text()}`);
      samples.push(await response.json());
    }
    const newest = median(samples.map((s) => s.msPerNewest / s.msPerGet));
    const older = median(samples.map((s) => s.msPerOlder / s.msPerGet));
    rows.push({
      backend,
      'ms/window newest 50 of 10,000': median(samples.map((s) => s.msPerNewest)).toFixed(2),
      'ms/window 50 before 5,000': median(samples.map((s) => s.msPerOlder)).toFixed(2),
      'ms/get of 50': median(samples.map((s) => s.msPerGet)).toFixed(2),
      'ratio newest/get (median of 5)': newest.toFixed(2),
      'ratio older/get': older.toFixed(2),
      goal: '<= 1.3',
      met: newest <= 1.3 && older <= 1.3 ? 'yes' : 'NO',
    });
  }
  console.table(rows);
  return rows.every((r) => r.met === 'yes');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!(await withLocalWorker(benchWindows))) process.exitCode = 1;
}
