// First use of a user's Durable Object vs a warm call, inside workerd, interleaved round by round so drift hits all alike.
// A probe object splits the first call: creating an object (ping) vs applying the schema steps in it (migrate).
import { DurableObject } from 'cloudflare:workers';
import type { ConversationStore } from '@agent-conversations/core';
import { DO_MIGRATIONS_TABLE } from '../src/durable-object.js';
import { durableObjectRunner } from '../src/durable-object/runner.js';
import { applyMigrations } from '../src/shared/migrate.js';

/** A SQLite-backed object with no conversations code: a call with no storage, and the schema steps alone. */
export class FirstUseProbe extends DurableObject {
  /** No storage touched: a fresh object's first ping is object creation plus one RPC; a later one, the RPC alone. */
  async ping(): Promise<number> {
    return 1;
  }

  /** Applies the pending schema steps exactly as the conversations object does; replies with the version reached. */
  async migrate(): Promise<number> {
    return (await applyMigrations(durableObjectRunner(this.ctx.storage), DO_MIGRATIONS_TABLE)).to;
  }
}

interface ProbeStub {
  ping(): Promise<number>;
  migrate(): Promise<number>;
}

/** Mean ms per call, each kind measured once per round on fresh objects (tagged by this request) and on warm ones. */
export async function timeFirstUse(
  store: ConversationStore,
  probes: DurableObjectNamespace,
  rounds: number,
): Promise<Record<string, number>> {
  const tag = crypto.randomUUID();
  const probe = (name: string) => probes.get(probes.idFromName(`${tag}-${name}`)) as unknown as ProbeStub;
  const totals: Record<string, number> = {};
  const time = async (name: string, call: () => Promise<unknown>) => {
    const start = performance.now();
    await call();
    totals[name] = (totals[name] ?? 0) + performance.now() - start;
  };
  for (let r = 0; r < rounds; r++) {
    const user = `${tag}-user-${r}`;
    await time('firstPing', () => probe(`p${r}`).ping());
    await time('warmPing', () => probe(`p${r}`).ping());
    await time('firstMigrate', () => probe(`m${r}`).migrate());
    await time('warmMigrate', () => probe(`m${r}`).migrate());
    await time('firstList', () => store.list(user));
    await time('warmList', () => store.list(user));
    await time('warmGet', () => store.get(user, 'missing'));
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / rounds]));
}
