import type { ConversationStore, ErrorCode, Message, StoredConversation } from '@agent-conversations/core';
import { expect } from './expect.js';
import type { IoHook } from './model/explorer.js';
import type { ModelSettings } from './model/properties.js';
import type { ConformanceCapabilities, ConformanceInspector, ConformanceOptions } from './types.js';

/** What every check receives: a fresh store and helpers for random ids. */
export interface CheckContext {
  store: ConversationStore;
  capabilities: ConformanceCapabilities;
  inspect: ConformanceInspector | undefined;
  /** The adapter's clock hook, when it gives one. */
  clock: ConformanceOptions['clock'];
  /** A second instance over the same backend (the caller closes it); throws when the adapter gives none. */
  peer(): Promise<ConversationStore>;
  /** The adapter's I/O boundary hook, when it gives one. */
  io: IoHook | undefined;
  /** Cases and seed of the model-based checks. */
  model: ModelSettings;
  /** Whether the adapter gives a second instance (`createPeerStore`). */
  hasPeer: boolean;
  /** Ends the check as skipped, for a reason found only at run time (an optional method is absent). */
  skip(reason: string): never;
  /** Records that the check ran in a weaker form, for a reason found only at run time. */
  weaken(reason: string): void;
  /** A random user id, unique to this check. */
  user(): string;
  /** A random conversation id. */
  id(): string;
}

/** One conformance check: a named scenario any adapter must pass. */
export interface Check {
  /** Stable id, `concern.short-name`; never reused for another promise. */
  id: string;
  concern: string;
  /** The promise the check guards, in one line; printed with every failure. */
  name: string;
  /** True when the check also reads the backend through `inspect`; without it that part is reported as skipped. */
  storage?: boolean;
  /** Returns why the check cannot run for these options (it is then skipped visibly), or null. */
  skipUnless?(options: ConformanceOptions, capabilities: ConformanceCapabilities): string | null;
  /** Returns why the check runs in a weaker form for these options (it is then reported as weakened), or null. */
  weakenedBy?(options: ConformanceOptions, capabilities: ConformanceCapabilities): string | null;
  /** Runs hundreds of cases: its timeout is 20 times the per-check one. */
  slow?: boolean;
  run(ctx: CheckContext): Promise<void>;
}

export const DEFAULT_CAPABILITIES: ConformanceCapabilities = {
  loneSurrogates: true,
  largeMessages: true,
  importTimestamps: true,
  atomicExpectedVersion: true,
  atomicWrites: true,
  concurrency: 50,
};

/** The lowest `concurrency` the suite accepts: below it the concurrency checks fail instead of running. */
export const CONCURRENCY_FLOOR = 10;

/** Thrown by `ctx.skip()`: the check did not run, for this reason. */
export class CheckSkipped extends Error {
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
    this.name = 'CheckSkipped';
  }
}

export { show } from './expect.js';

let counter = 0;
/** A random id safe for every backend (letters, digits, -). */
export function randomId(prefix: string): string {
  counter += 1;
  const random =
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `${prefix}-${counter.toString(36)}-${random}`;
}

/** An AI SDK-style user message. */
export function userMessage(text: string, id = randomId('m')): Message {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

/** An AI SDK-style assistant message with a tool call part and metadata. */
export function assistantMessage(text: string, id = randomId('m')): Message {
  return {
    id,
    role: 'assistant',
    metadata: { model: 'test-model', createdAt: 1_700_000_000_000 },
    parts: [
      { type: 'step-start' },
      {
        type: 'tool-weather',
        toolCallId: 'call_1',
        state: 'output-available',
        input: { city: 'Paris' },
        output: { tempC: 21.5, sunny: true },
      },
      { type: 'text', text, state: 'done' },
    ],
  };
}

/** N alternating user/assistant messages. */
export function conversationMessages(count: number, label = 'msg'): Message[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? userMessage(`${label} ${i}`) : assistantMessage(`${label} ${i}`),
  );
}

/** Asserts the promise rejects with a ConversationStoreError of the code; returns the error. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error & { code: string }> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${code} ConversationStoreError, but the call resolved`).toBeInstanceOf(Error);
  const error = caught as Error & { code: string };
  expect(error.name, `expected ConversationStoreError, got ${error.name}: ${error.message}`).toBe(
    'ConversationStoreError',
  );
  expect(error.code, `expected code ${code}; message: ${error.message}`).toBe(code);
  return error;
}

/** The stored conversation as canonical JSON, for before/after comparisons. */
export async function snapshot(store: ConversationStore, userId: string, id: string): Promise<string> {
  return JSON.stringify(await store.get(userId, id));
}

/** Asserts messages are exactly equal as JSON (key order, escapes and all). */
export function expectSameMessages(actual: readonly Message[] | undefined, expected: readonly Message[]): void {
  expect(actual, 'messages missing').toBeDefined();
  expect(actual!.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(JSON.stringify(actual![i]), `message ${i} differs`).toBe(JSON.stringify(expected[i]));
  }
}

/** get() that must return the conversation. */
export async function mustGet(store: ConversationStore, userId: string, id: string): Promise<StoredConversation> {
  const conversation = await store.get(userId, id);
  expect(conversation, `conversation ${id} should exist`).not.toBeNull();
  return conversation!;
}

/** Waits so the next write gets a later millisecond timestamp. */
export function tick(ms = 3): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
