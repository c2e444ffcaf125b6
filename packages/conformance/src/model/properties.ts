import type { ConversationStore } from '@agent-conversations/core';
import fc from 'fast-check';
import type { ConformanceCapabilities } from '../types.js';
import { arbitraries, resolve, type Names, type Spec } from './arbitraries.js';
import { execute, showCall, showOutcome, type Call, type Cursors, type Outcome } from './calls.js';
import type { createExplorer } from './explorer.js';
import { Model, ModelMismatch } from './model.js';

/** How many cases and from which seed: CONFORMANCE_RUNS, CONFORMANCE_SEED and CONFORMANCE_PATH, else 200, a fixed seed under CI, a random one locally. */
export interface ModelSettings {
  runs: number;
  seed: number;
  /** Replays exactly the shrunk case of an earlier failure (its printed path). */
  path?: string;
}

/** The seed every CI run uses, so a CI failure reproduces anywhere. */
export const CI_SEED = 22;
export const DEFAULT_RUNS = 200;

/** Settings from `env` (default process.env, where there is one: pass a Worker's bindings inside workerd), then the given overrides. */
export function modelSettings(
  given: Partial<ModelSettings> = {},
  env: Readonly<Record<string, unknown>> = defaultEnv(),
): ModelSettings {
  const text = (key: string): string | undefined =>
    typeof env[key] === 'string' && env[key] !== '' ? (env[key] as string) : undefined;
  const int = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const ci = text('CI') !== undefined && text('CI') !== 'false' && text('CI') !== '0';
  return {
    runs: given.runs ?? int(text('CONFORMANCE_RUNS')) ?? DEFAULT_RUNS,
    seed: given.seed ?? int(text('CONFORMANCE_SEED')) ?? (ci ? CI_SEED : Math.floor(Math.random() * 2 ** 31)),
    ...((given.path ?? text('CONFORMANCE_PATH')) ? { path: given.path ?? text('CONFORMANCE_PATH') } : {}),
  };
}

function defaultEnv(): Record<string, unknown> {
  return (globalThis as { process?: { env?: Record<string, unknown> } }).process?.env ?? {};
}

/** A property failed: the message is the minimal reproduction, line by line. */
class CaseFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseFailure';
  }
}

const line = (n: number | string, call: Call, outcome: Outcome) =>
  `  ${String(n).padStart(2)}. store.${showCall(call)} ${showOutcome(outcome)}`;

let tags = 0;
function names(convs = 3): Names {
  const tag = `mb${(tags += 1).toString(36)}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  // One user id is plain, the other has non-ASCII letters and an emoji; the conversation ids are the same for both users.
  return { users: [`${tag}-u0`, `${tag}-ü-😀`], convs: Array.from({ length: convs }, (_, i) => `${tag}.c${i}`) };
}

/** Runs calls one at a time, checking each against the model; then reads everything back. */
async function serial(
  store: ConversationStore,
  specs: readonly Spec[],
  n: Names,
  model: Model,
  log: string[],
  readBack = true,
): Promise<void> {
  const cursors: Cursors = new Map();
  const check = async (call: Call, label: number | string) => {
    const outcome = await execute(store, call, cursors);
    log.push(line(label, call, outcome));
    try {
      model.step(call, outcome, cursors);
    } catch (error) {
      if (!(error instanceof ModelMismatch)) throw error;
      throw new CaseFailure(
        `call ${label} does not match the model: ${error.message}\n\nthe sequence:\n${log.join('\n')}`,
      );
    }
  };
  const touched = new Set<string>();
  for (const [i, spec] of specs.entries()) {
    const call = resolve(spec, n, model);
    touched.add(`${spec.u} ${'c' in spec ? spec.c : ''}`);
    await check(call, i + 1);
  }
  // Read back what the sequence touched: every page (one item each, so keyset paging meets the updatedAt ties it
  // made), and each conversation it wrote or that exists, for each user it used (the other user's ids included).
  for (const [u, userId] of (readBack ? n.users : []).entries()) {
    if (![...touched].some((t) => t.startsWith(`${u} `))) continue;
    await check({ method: 'listAll', userId, limit: 1 }, 'end');
    for (const [c, id] of n.convs.entries()) {
      if (touched.has(`0 ${c}`) || touched.has(`1 ${c}`) || model.find(userId, id))
        await check({ method: 'get', userId, id }, 'end');
    }
  }
}

/** The property of `model.sequences`: any sequence of calls gives the results the model predicts and leaves its state. */
export function sequenceProperty(store: ConversationStore, caps: ConformanceCapabilities) {
  const { spec } = arbitraries(caps);
  return fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 8 }), async (specs) => {
    await serial(store, specs, names(), new Model(), []);
  });
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** The property of `model.interleavings`: concurrent calls from two instances, in the explored order of their storage calls, are linearizable. */
export function raceProperty(
  stores: [ConversationStore, ConversationStore],
  explorer: ReturnType<typeof createExplorer>,
  caps: ConformanceCapabilities,
) {
  const { races, setupSpecs } = arbitraries(caps);
  return fc.asyncProperty(setupSpecs, races, fc.scheduler(), async (setup, race, s) => {
    const n = names(2);
    const model = new Model();
    const before: string[] = [];
    await serial(stores[0], setup, n, model, before, false);
    const calls = race.map((spec) => resolve(spec, n, model));
    const outcomes = await explorer.run(
      s,
      calls.map((call, i) => () => execute(stores[i % 2]!, call, new Map())),
    );
    const after: [Call, Outcome][] = [];
    const userId = n.users[0]!;
    for (const call of [
      { method: 'listAll', userId, limit: 200 },
      ...n.convs.map((id) => ({ method: 'get', userId, id })),
    ] as Call[])
      after.push([call, await execute(stores[0], call, new Map())]);
    const reasons: string[] = [];
    for (const order of permutations(calls.length)) {
      const m = model.clone();
      try {
        for (const i of order) m.step(calls[i]!, outcomes[i]!, new Map());
      } catch (error) {
        reasons.push(`  order ${order.map((i) => String.fromCharCode(65 + i)).join(' ')}: ${(error as Error).message}`);
        continue;
      }
      try {
        for (const [call, outcome] of after) m.step(call, outcome, new Map());
        return;
      } catch (error) {
        reasons.push(
          `  order ${order.map((i) => String.fromCharCode(65 + i)).join(' ')}: the final state differs: ${(error as Error).message}`,
        );
      }
    }
    throw new CaseFailure(
      [
        'not linearizable: no serial order of the concurrent calls explains their results and the state they left',
        `before, one at a time (store 1):\n${before.join('\n') || '  (nothing)'}`,
        `concurrently (calls alternate between store 1 and its peer, store 2):\n${calls.map((c, i) => line(String.fromCharCode(65 + i), c, outcomes[i]!)).join('\n')}`,
        `then read back:\n${after.map(([c, o]) => line('end', c, o)).join('\n')}`,
        `why each order fails:\n${reasons.join('\n')}`,
        `the explored schedule of storage calls:\n${String(s)}`,
      ].join('\n\n'),
    );
  });
}

/** Runs the property; a failure throws the shrunk case with the seed and path that replay it. */
export async function checkProperty<T>(
  id: string,
  property: fc.IAsyncProperty<T>,
  settings: ModelSettings,
): Promise<{ runs: number }> {
  // A path names its check (`model.sequences@12:0:1`): it replays that check's case; the other check runs in full.
  const path = settings.path?.startsWith(`${id}@`) ? settings.path.slice(id.length + 1) : undefined;
  const details = await fc.check(property, {
    numRuns: settings.runs,
    seed: settings.seed,
    ...(path ? { path, endOnFailure: true } : {}),
  });
  if (!details.failed) return { runs: details.numRuns };
  const cause = details.errorInstance;
  const text =
    cause instanceof Error
      ? cause instanceof CaseFailure
        ? cause.message
        : (cause.stack ?? cause.message)
      : String(cause);
  throw new Error(
    `${text}\n\nseed ${details.seed}, path "${id}@${details.counterexamplePath}" (shrunk ${details.numShrinks} times after ${details.numRuns} cases)\n` +
      `replay this case: CONFORMANCE_SEED=${details.seed} CONFORMANCE_PATH=${id}@${details.counterexamplePath} <the same test command>`,
  );
}
