// npm run bench:first-use: a new user's first call to the Durable Object vs a warm call, and what the first one costs
// (object creation, schema steps, RPC), inside workerd (wrangler's local runtime). Five samples, medians of each.
import { median, withLocalWorker } from './local-worker.mjs';

await withLocalWorker(async (worker) => {
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const response = await worker.fetch('http://bench.local/?measure=first-use&rounds=40');
    if (!response.ok) throw new Error(`first use: HTTP ${response.status} ${await response.text()}`);
    samples.push(await response.json());
  }
  const of = (key) => median(samples.map((s) => s[key]));
  console.table({
    'ms/ping, fresh object (creation + RPC)': of('firstPing').toFixed(2),
    'ms/ping, warm object (RPC)': of('warmPing').toFixed(2),
    'ms/migrate, fresh object (creation + schema steps + RPC)': of('firstMigrate').toFixed(2),
    'ms/migrate, migrated object (version check + RPC)': of('warmMigrate').toFixed(2),
    'ms/list, new user (first call)': of('firstList').toFixed(2),
    'ms/list, same user again (warm call)': of('warmList').toFixed(2),
    'ms/get, warm user': of('warmGet').toFixed(2),
    'ratio first/warm list (median of 5)': median(samples.map((s) => s.firstList / s.warmList)).toFixed(2),
    'share of the schema steps in a first list': median(
      samples.map((s) => (s.firstMigrate - s.firstPing) / s.firstList),
    ).toFixed(2),
  });
});
