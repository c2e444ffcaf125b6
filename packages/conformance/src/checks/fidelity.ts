import type { Message } from '@agent-conversations/core';
import { expect } from '../expect.js';
import { expectCode, expectSameMessages, mustGet, randomId, type Check, type CheckContext } from '../check.js';

async function roundTrip({ store, user, id, inspect }: CheckContext, messages: Message[]): Promise<void> {
  const [u, c] = [user(), id()];
  await store.upsert({ id: c, userId: u, messages });
  expectSameMessages((await mustGet(store, u, c)).messages, messages);
  if (inspect) expectSameMessages(await inspect.messages(u, c), messages);
  // The same content must also survive the append path.
  const [u2, c2] = [user(), id()];
  await store.upsert({ id: c2, userId: u2, messages: [] });
  await store.append(u2, c2, messages);
  expectSameMessages((await mustGet(store, u2, c2)).messages, messages);
}

const msg = (extra: Record<string, unknown>): Message => ({ id: randomId('m'), role: 'assistant', ...extra });

function nested(depth: number): unknown {
  let value: unknown = { leaf: 'bottom', n: depth };
  for (let i = 0; i < depth; i++) value = i % 2 ? { level: i, child: value } : [i, value];
  return value;
}

export const fidelityChecks: Check[] = [
  {
    id: 'fidelity.unicode',
    storage: true,
    concern: 'fidelity',
    name: 'emoji, scripts, escapes and numbers round-trip exactly',
    run: (ctx) =>
      roundTrip(ctx, [
        msg({ parts: [{ type: 'text', text: 'héllo 👋🏽 — 你好 — مرحبا — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — "quotes" \\ back\\slash \n\t\r' }] }),
        msg({
          n: [0, -1, 1.5, -0.000123, 1e21, 9007199254740991, -9007199254740991],
          b: [true, false, null],
          e: {},
          a: [],
        }),
        msg({ text: '\u2028\u2029 line separators, \u00a0 nbsp, \ufeff bom, \u200d zwj 👨‍👩‍👧' }),
      ]),
  },
  {
    id: 'fidelity.nul',
    storage: true,
    concern: 'fidelity',
    name: 'NUL characters (\\u0000) round-trip exactly',
    run: (ctx) =>
      roundTrip(ctx, [
        msg({ text: 'a\u0000b', 'k\u0000ey': '\u0000', parts: [{ type: 'text', text: '\u0000\u0001\u001f' }] }),
      ]),
  },
  {
    id: 'fidelity.lone-surrogates',
    storage: true,
    concern: 'fidelity',
    name: 'lone surrogates round-trip exactly (or, declared unsupported, are refused, never stored changed)',
    weakenedBy: (_o, caps) =>
      caps.loneSurrogates
        ? null
        : 'the adapter declares loneSurrogates: false: only checked that it refuses them with VALIDATION instead of storing them changed',
    async run(ctx) {
      const messages = [msg({ text: 'lone high \ud800 and low \udc00 and reversed \udc00\ud800 end' })];
      if (ctx.capabilities.loneSurrogates) return roundTrip(ctx, messages);
      const [u, c] = [ctx.user(), ctx.id()];
      await expectCode(ctx.store.upsert({ id: c, userId: u, messages }), 'VALIDATION');
      await ctx.store.upsert({ id: c, userId: u, messages: [] });
      await expectCode(ctx.store.append(u, c, messages), 'VALIDATION');
      expect((await mustGet(ctx.store, u, c)).messages).toEqual([]);
    },
  },
  {
    id: 'fidelity.special-keys',
    storage: true,
    concern: 'fidelity',
    name: '__proto__, constructor and other special keys round-trip as plain data',
    async run(ctx) {
      const raw = JSON.parse(
        '{"id":"proto-1","role":"user","__proto__":{"polluted":true},"constructor":{"prototype":1},"toString":"x","":"empty key","nested":{"__proto__":[1,2]}}',
      ) as Message;
      raw.id = randomId('m');
      await roundTrip(ctx, [raw]);
      const [u, c] = [ctx.user(), ctx.id()];
      const metadata = JSON.parse('{"__proto__":{"admin":true},"ok":1}') as Record<string, unknown>;
      await ctx.store.upsert({ id: c, userId: u, messages: [], metadata });
      const got = await mustGet(ctx.store, u, c);
      expect(JSON.stringify(got.metadata)).toBe(JSON.stringify(metadata));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    },
  },
  {
    id: 'fidelity.deep-nesting',
    storage: true,
    concern: 'fidelity',
    name: 'deeply nested values (150 levels) round-trip exactly',
    run: (ctx) => roundTrip(ctx, [msg({ deep: nested(150) })]),
  },
  {
    id: 'fidelity.large-strings',
    storage: true,
    concern: 'fidelity',
    name: '1 MB strings round-trip exactly',
    skipUnless: (_o, caps) => (caps.largeMessages ? null : 'the adapter declares largeMessages: false'),
    async run(ctx) {
      const big = 'x'.repeat(500_000) + '€😀'.repeat(100_000) + 'y'.repeat(200_000);
      await roundTrip(ctx, [msg({ parts: [{ type: 'text', text: big }] }), msg({ text: 'small after big' })]);
    },
  },
  {
    id: 'fidelity.undefined-and-key-order',
    concern: 'fidelity',
    name: 'undefined object properties are dropped as JSON does, and key order is kept',
    async run({ store, user, id }) {
      const [u, c] = [user(), id()];
      const m = { id: randomId('m'), role: 'user', z: 1, a: 2, metadata: undefined, m: { y: 1, b: undefined, c: 3 } };
      await store.upsert({ id: c, userId: u, messages: [m] });
      const got = await mustGet(store, u, c);
      expect(JSON.stringify(got.messages[0])).toBe(JSON.stringify(m));
      expect(Object.keys(got.messages[0]!)).toEqual(['id', 'role', 'z', 'a', 'm']);
    },
  },
];
