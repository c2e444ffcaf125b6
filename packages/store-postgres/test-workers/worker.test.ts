import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

type Stored = { title: string; messages: { parts: { text: string }[] }[] } | null;

describe('a Worker with a store per request over Hyperdrive', () => {
  it('keeps the conversation across separate requests', async () => {
    const at = `https://app.example/chat?user=${crypto.randomUUID()}&conversation=c1`;
    expect(await (await SELF.fetch(at)).json()).toBeNull();
    await SELF.fetch(at, { method: 'POST', body: 'hello from the edge' });
    const second = (await (await SELF.fetch(at, { method: 'POST', body: 'and again' })).json()) as Stored;
    expect(second?.title).toBe('hello from the edge');
    expect(second?.messages.map((m) => m.parts[0]?.text)).toEqual(['hello from the edge', 'and again']);
  });
});
