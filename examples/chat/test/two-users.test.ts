import { expect, test } from 'vitest';
import { api, listTitles, openVisitor, sendMessage, signIn } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();

test('two signed-in users never see or change each other’s conversations', async () => {
  const alice = await openVisitor(demo.browser, demo.server.url);
  const bob = await openVisitor(demo.browser, demo.server.url);
  await signIn(alice, 'alice');
  await signIn(bob, 'bob');
  await sendMessage(alice, 'Alice’s secret plan');
  await sendMessage(bob, 'Bob’s shopping list');

  expect(await listTitles(alice)).toEqual(['Alice’s secret plan']);
  expect(await listTitles(bob)).toEqual(['Bob’s shopping list']);
  await bob.reload();
  await bob.locator('#chat-title', { hasText: 'Bob’s shopping list' }).waitFor();
  expect(await listTitles(bob)).toEqual(['Bob’s shopping list']);

  // Bob knows the id of Alice's conversation and tries it by hand: the server scopes every call by his session.
  const { data } = await api(alice, 'GET', '/api/conversations');
  const aliceItem = (data as { items: { id: string; version: number }[] }).items[0]!;
  const path = `/api/conversations/${aliceItem.id}`;
  expect(await api(bob, 'GET', path)).toEqual({ status: 200, data: null });
  expect(await api(bob, 'DELETE', path)).toEqual({ status: 200, data: { deleted: false } });
  expect((await api(bob, 'PATCH', path, { patch: { title: 'hijacked' } })).status).toBe(404);
  // A userId in the body is ignored: the write lands in Bob's own history.
  const forged = await api(bob, 'PUT', path, {
    input: { userId: 'alice', messages: [{ id: 'x1', role: 'user', parts: [{ type: 'text', text: 'forged' }] }] },
  });
  expect(forged.status).toBe(200);
  expect((forged.data as { userId: string }).userId).toBe('bob');

  const untouched = await api(alice, 'GET', path);
  expect(untouched.data).toMatchObject({
    userId: 'alice',
    title: 'Alice’s secret plan',
    version: aliceItem.version,
    messageCount: 2,
  });
  await alice.reload();
  await alice.locator('#chat-title', { hasText: 'Alice’s secret plan' }).waitFor();
  expect(await listTitles(alice)).toEqual(['Alice’s secret plan']);
  await alice.context().close();
  await bob.context().close();
});
