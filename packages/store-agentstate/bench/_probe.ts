import { startBenchServer, turns } from './local-server.js';
import { agentStateApi } from '../src/api.js';
import { createApi } from '../src/http.js';
import { resolveOptions } from '../src/options.js';
import { externalId } from '../src/ids.js';
const { server, store } = await startBenchServer();
const user = 'u';
await store.upsert({ id: 'long', userId: user, messages: turns(9_999, 'long') });
await store.append(user, 'long', turns(1, 'step'), { usage: { inputTokens: 1200, outputTokens: 80 } });
await store.upsert({ id: 'short', userId: user, messages: turns(50, 'short') });
const api = agentStateApi(createApi(resolveOptions({ apiKey: server.apiKey, baseUrl: server.baseUrl })));
const longRow = (await api.byExternalId(await externalId(user, 'long')))!;
const anchor = (longRow.metadata!.acs as any).k;
console.log('anchor p', anchor.p);
const shortExt = await externalId(user, 'short');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ops: Record<string, () => Promise<unknown>> = {
  row: () => api.row(longRow.id),
  page: () => api.messagesAfter(longRow.id, anchor.e, 500),
  both: () => Promise.all([api.row(longRow.id), api.messagesAfter(longRow.id, anchor.e, 500)]),
  shortRaw: () => api.byExternalId(shortExt),
  get: () => store.get(user, 'short'),
  window: () => store.window!(user, 'long', { limit: 50 }),
};
const t: Record<string, number[]> = {};
for (let r = 0; r < 60; r++) for (const [k, op] of Object.entries(ops)) { const s = performance.now(); await op(); (t[k] ??= []).push(performance.now() - s); }
for (const k of Object.keys(t)) console.log(k, median(t[k]!).toFixed(2));
const page = await api.messagesAfter(longRow.id, anchor.e, 500);
console.log('page entries', page!.data.length, JSON.stringify(page).length, 'short bytes', JSON.stringify(await api.byExternalId(shortExt)).length, 'row bytes', JSON.stringify(await api.row(longRow.id)).length);
await server.close();
