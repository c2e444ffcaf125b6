import type { ConversationInput, ConversationPatch, Message, Usage } from '@agent-conversations/core';
import fc from 'fast-check';
import type { ConformanceCapabilities } from '../types.js';
import type { Call } from './calls.js';
import type { Model } from './model.js';

/** What the generator picks: relative to the state at run time (keep a prefix of the stored list, the right or a wrong version). */
export type Spec =
  | {
      k: 'upsert';
      u: number;
      c: number;
      keep: number;
      edit: boolean;
      fresh: Message[];
      title?: string;
      model?: string;
      usage?: Usage;
      metadata?: Record<string, unknown>;
      stamp?: number;
      ev: Ev;
    }
  | { k: 'append'; u: number; c: number; fresh: Message[]; usage?: Usage; ev: Ev }
  | { k: 'update'; u: number; c: number; patch: ConversationPatch; ev: Ev }
  | { k: 'delete'; u: number; c: number }
  | { k: 'deleteAll'; u: number }
  | { k: 'get'; u: number; c: number }
  | { k: 'list'; u: number; limit: number; after?: number; resume: boolean }
  | { k: 'listAll'; u: number; limit: number; after?: number };

/** expectedVersion: not given, the stored version, or a stale one. */
export type Ev = 'none' | 'right' | 'wrong';

/** Imported timestamps come from two adjacent milliseconds, so updatedAt ties happen often. */
export const IMPORT_BASE = 1_700_000_000_000;

const ASCII_IDS = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'];
/** Message ids are any text without control characters: unicode ones included. */
const MESSAGE_IDS = [...ASCII_IDS, 'm-é-漢字', 'm-😀'];

/** The awkward text the fidelity checks use, in pieces: NUL and other controls, escapes, emoji, combining marks, long runs. */
const FRAGMENTS = [
  'hello',
  ' ',
  'world',
  '\u0000',
  '\u0007',
  '\n',
  '\t',
  '"',
  '\\',
  '\\u0000',
  '😀',
  '漢字',
  'e\u0301',
  'Ω',
  '\u2028',
  'a'.repeat(70),
];
const LONE = ['\ud800', '\udfff', '\udc00x'];

function nest(depth: number): unknown {
  let value: unknown = 'bottom \u0000 😀';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
  return value;
}

/** The generators, shaped by what the adapter declares (no lone surrogates where refused, no imported times where not kept). */
export function arbitraries(caps: ConformanceCapabilities) {
  const fragment = fc.constantFrom(...FRAGMENTS, ...(caps.loneSurrogates ? LONE : []));
  const text = fc.array(fragment, { maxLength: 5 }).map((parts) => parts.join(''));
  const large = fc.constantFrom(`${'x😀\u0000"'.repeat(4_000)}${caps.loneSurrogates ? '\ud800' : ''}`);
  // Most messages are plain; some carry an object with awkward keys, a deep value or a large string.
  const extra = fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    {
      weight: 4,
      arbitrary: fc.dictionary(
        fc.constantFrom('k', 'ключ', '😀', 'a b', '\u0000'),
        fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)),
        { maxKeys: 3 },
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 20, max: 140 }).map(nest) },
    { weight: 1, arbitrary: large },
  );
  const message = fc
    .record({ id: fc.constantFrom(...MESSAGE_IDS), role: fc.constantFrom('user', 'assistant'), text, extra })
    .map(({ id, role, text, extra }): Message => ({
      id,
      role,
      parts: [{ type: 'text', text }],
      ...(extra === null ? {} : { data: extra }),
    }));
  const fresh = (min: number) => fc.array(message, { minLength: min, maxLength: 3 });
  const usage = fc
    .record(
      { inputTokens: fc.nat(1000), outputTokens: fc.nat(1000), costUsd: fc.nat(64).map((n) => n / 8) },
      { requiredKeys: [] },
    )
    .filter((u) => Object.keys(u).length > 0);
  const metadata = fc.dictionary(
    fc.constantFrom('topic', 'ключ', '😀', 'n'),
    fc.oneof(text, fc.integer(), fc.constant(null)),
    { minKeys: 1, maxKeys: 3 },
  );
  const title = fc.constantFrom('Trip to Paris', 'Ünïcode 😀 title', 'x'.repeat(300));
  const model = fc.constantFrom('gpt-test', 'claude-test');
  const ev = fc.constantFrom<Ev>('none', 'none', 'right', 'wrong');
  const patch = fc
    .record({ title, model, provider: fc.constantFrom('openai', 'anthropic'), usage, metadata }, { requiredKeys: [] })
    .filter((p) => Object.keys(p).length > 0);
  const stamp = caps.importTimestamps ? fc.option(fc.nat(1), { freq: 3, nil: undefined }) : fc.constant(undefined);
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const limit = fc.integer({ min: 1, max: 3 });

  // The operations over the given users, conversations and expectedVersion choices.
  const ops = (user: fc.Arbitrary<number>, conv: fc.Arbitrary<number>, ev: fc.Arbitrary<Ev>) => ({
    upsert: fc.record(
      {
        k: fc.constant('upsert' as const),
        u: user,
        c: conv,
        keep: fc.oneof(fc.constant(99), fc.nat(3)),
        edit: fc.boolean(),
        fresh: fresh(0),
        title: opt(title),
        model: opt(model),
        usage: opt(usage),
        metadata: opt(metadata),
        stamp,
        ev,
      },
      { requiredKeys: ['k', 'u', 'c', 'keep', 'edit', 'fresh', 'ev'] },
    ),
    append: fc.record(
      { k: fc.constant('append' as const), u: user, c: conv, fresh: fresh(1), usage: opt(usage), ev },
      { requiredKeys: ['k', 'u', 'c', 'fresh', 'ev'] },
    ),
    update: fc.record({ k: fc.constant('update' as const), u: user, c: conv, patch, ev }),
    delete: fc.record({ k: fc.constant('delete' as const), u: user, c: conv }),
    deleteAll: fc.record({ k: fc.constant('deleteAll' as const), u: user }),
    get: fc.record({ k: fc.constant('get' as const), u: user, c: conv }),
    list: fc.record(
      { k: fc.constant('list' as const), u: user, limit, after: opt(fc.nat(4)), resume: fc.boolean() },
      { requiredKeys: ['k', 'u', 'limit', 'resume'] },
    ),
    listAll: fc.record(
      { k: fc.constant('listAll' as const), u: user, limit, after: opt(fc.nat(4)) },
      { requiredKeys: ['k', 'u', 'limit'] },
    ),
  });

  const all = ops(fc.constantFrom(0, 0, 0, 1), fc.nat(2), ev);
  const spec: fc.Arbitrary<Spec> = fc.oneof(
    { weight: 4, arbitrary: all.upsert },
    { weight: 4, arbitrary: all.append },
    { weight: 2, arbitrary: all.update },
    { weight: 1, arbitrary: all.delete },
    { weight: 1, arbitrary: all.deleteAll },
    { weight: 2, arbitrary: all.get },
    { weight: 2, arbitrary: all.list },
    { weight: 2, arbitrary: all.listAll },
  );

  // Interleavings: one user, mostly one conversation, so the calls race on the same rows; expectedVersion only where it is a compare-and-set.
  const race = ops(
    fc.constant(0),
    fc.constantFrom(0, 0, 0, 1),
    caps.atomicExpectedVersion ? ev : fc.constant<Ev>('none'),
  );
  const raceSpec: fc.Arbitrary<Spec> = fc.oneof(
    { weight: 4, arbitrary: race.upsert },
    { weight: 4, arbitrary: race.append },
    { weight: 2, arbitrary: race.update },
    { weight: 1, arbitrary: race.delete },
    { weight: 1, arbitrary: race.get },
    { weight: 1, arbitrary: race.list.map((s) => ({ ...s, limit: 10, resume: false, after: undefined })) },
  );
  // Without atomicWrites: one write raced by reads, which must each see the conversation before or after it.
  const raceReads: fc.Arbitrary<Spec> = fc.oneof(
    race.get,
    race.get,
    race.list.map((s) => ({ ...s, limit: 10, resume: false, after: undefined })),
  );
  const raceWrite: fc.Arbitrary<Spec> = fc.oneof(
    { weight: 4, arbitrary: race.upsert },
    { weight: 4, arbitrary: race.append },
    { weight: 2, arbitrary: race.update },
    { weight: 1, arbitrary: race.delete },
  );
  const races: fc.Arbitrary<Spec[]> = caps.atomicWrites
    ? fc.array(raceSpec, { minLength: 2, maxLength: 3 })
    : fc
        .tuple(raceWrite, fc.array(raceReads, { minLength: 1, maxLength: 2 }))
        .map(([write, reads]) => [write, ...reads]);
  const setup = ops(fc.constant(0), fc.constantFrom(0, 0, 0, 1), fc.constant<Ev>('none'));
  // Before the race: the first conversation is created (so writes meet existing rows), then maybe one more write.
  const setupSpecs: fc.Arbitrary<Spec[]> = fc
    .tuple(
      setup.upsert.map((s) => ({ ...s, c: 0 })),
      fc.array(fc.oneof(setup.upsert, setup.append), { maxLength: 1 }),
    )
    .map(([first, rest]) => [first, ...rest]);
  return { spec, races, setupSpecs };
}

/** The ids a run uses: its own users (one with non-ASCII characters) and conversation ids shared between them. */
export interface Names {
  users: string[];
  convs: string[];
}

/** Turns a spec into the concrete call, against the model's state now. */
export function resolve(spec: Spec, names: Names, model: Model): Call {
  const userId = names.users[spec.u]!;
  const id = 'c' in spec ? names.convs[spec.c]! : '';
  const version = (ev: Ev) =>
    ev === 'none'
      ? undefined
      : ev === 'right'
        ? { expectedVersion: model.version(userId, id) }
        : { expectedVersion: model.version(userId, id) + 1 };
  switch (spec.k) {
    case 'upsert': {
      const stored = model.messages(userId, id);
      const kept = stored.slice(0, Math.min(spec.keep, stored.length));
      const last = kept.length - 1;
      // An edit changes the last kept message's content under the same id (an AI SDK continuation), keeping its key order.
      if (spec.edit && last >= 0) kept[last] = { ...kept[last]!, parts: [{ type: 'text', text: 'edited' }] };
      const ids = new Set(kept.map((m) => m.id));
      const fresh = spec.fresh
        .map((m, i) => (ids.has(m.id) ? { ...m, id: `${m.id}-${i}` } : m))
        .filter((m) => !ids.has(m.id) && (ids.add(m.id), true));
      const input: ConversationInput<Message> = { id, userId, messages: [...kept, ...fresh] };
      if (spec.title !== undefined) input.title = spec.title;
      if (spec.model !== undefined) input.model = spec.model;
      if (spec.usage !== undefined) input.usage = spec.usage;
      if (spec.metadata !== undefined) input.metadata = spec.metadata;
      if (spec.stamp !== undefined)
        Object.assign(input, { createdAt: IMPORT_BASE, updatedAt: IMPORT_BASE + spec.stamp });
      const options = version(spec.ev);
      return options ? { method: 'upsert', input, options } : { method: 'upsert', input };
    }
    case 'append': {
      const options = { ...(spec.usage ? { usage: spec.usage } : {}), ...version(spec.ev) };
      return Object.keys(options).length
        ? { method: 'append', userId, id, messages: spec.fresh, options }
        : { method: 'append', userId, id, messages: spec.fresh };
    }
    case 'update': {
      const options = version(spec.ev);
      return options
        ? { method: 'update', userId, id, patch: spec.patch, options }
        : { method: 'update', userId, id, patch: spec.patch };
    }
    case 'delete':
    case 'get':
      return { method: spec.k, userId, id };
    case 'deleteAll':
      return { method: 'deleteAll', userId };
    case 'list':
    case 'listAll': {
      // updatedAfter is one of the user's own updatedAt values, so "strictly after" meets ties.
      const times = model.sorted(userId).map((m) => m.updatedAt);
      const updatedAfter =
        spec.after === undefined || times.length === 0 ? undefined : times[spec.after % times.length];
      const base = { userId, limit: spec.limit, ...(updatedAfter === undefined ? {} : { updatedAfter }) };
      return spec.k === 'list' ? { method: 'list', ...base, resume: spec.resume } : { method: 'listAll', ...base };
    }
  }
}
