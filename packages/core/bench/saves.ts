// npm run bench -w packages/core: the AI SDK save of a turn (2 new messages) in the memory store, as an upsert of the whole
// list (onFinish) vs an append of the 2, to conversations of 10 and of 1,000 messages; interleaved, so load hits both alike.
import { createMemoryStore, type Message } from '../src/index.js';

let next = 0;
const message = (): Message => {
  const i = next++;
  return {
    id: `m-${i}`,
    role: i % 2 ? 'assistant' : 'user',
    parts: [{ type: 'text', text: `message ${i} ${'lorem ipsum dolor sit amet '.repeat(16)}` }],
  };
};
const messages = (n: number): Message[] => Array.from({ length: n }, message);

const store = createMemoryStore();
const user = 'bench';
const lists = new Map<string, Message[]>();
const ids = (kind: string, size: number): string[] => Array.from({ length: 20 }, (_, i) => `${kind}-${size}-${i}`);
for (const size of [10, 1000]) {
  for (const id of [...ids('upsert', size), ...ids('append', size)]) {
    const list = messages(size);
    lists.set(id, list);
    await store.upsert({ userId: user, id, messages: list });
  }
}

type Contender = (i: number) => Promise<unknown>;
const contenders: Record<string, Contender> = {};
for (const size of [10, 1000]) {
  contenders[`upsert${size}`] = (i) => {
    const id = ids('upsert', size)[i % 20]!;
    const list = lists.get(id)!;
    list.push(message(), message());
    return store.upsert({ userId: user, id, messages: list });
  };
  contenders[`append${size}`] = (i) => store.append(user, ids('append', size)[i % 20]!, [message(), message()]);
}

/** Total ms per contender over `rounds` blocks of `perRound` calls, first mover alternating. */
async function race(rounds: number, perRound: number): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(Object.keys(contenders).map((k) => [k, 0]));
  for (let r = 0; r < rounds; r++) {
    const order = Object.entries(contenders);
    if (r % 2) order.reverse();
    for (const [name, fn] of order) {
      const start = performance.now();
      for (let k = 0; k < perRound; k++) await fn(r * perRound + k);
      totals[name]! += performance.now() - start;
    }
  }
  return totals;
}

await race(2, 20);
const calls = 20 * 20;
const totals = await race(20, 20);
console.log('\n@agent-conversations/core memory store: save of 2 new messages (ms per call)\n');
console.log('| conversation | upsert of all | append of the 2 | ratio | target |');
console.log('|---|---:|---:|---:|---:|');
let failed = false;
for (const size of [10, 1000]) {
  const [up, ap] = [totals[`upsert${size}`]! / calls, totals[`append${size}`]! / calls];
  const ok = up / ap <= 1.5;
  failed ||= !ok;
  console.log(
    `| ${size.toLocaleString('en-US')} msgs | ${up.toFixed(3)} | ${ap.toFixed(3)} | ${(up / ap).toFixed(2)} | ≤ 1.5 ${ok ? 'ok' : 'MISSED'} |`,
  );
}
if (failed) process.exitCode = 1;
