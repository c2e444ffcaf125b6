import type { ConversationStore } from '@agent-conversations/core';
import type fc from 'fast-check';

/**
 * The I/O boundary hook: an adapter's test wires it into what its factory already accepts (a pg Pool's
 * queries, a ClickHouse client, a fetch, a D1 or Durable Object binding), awaiting `gate(label)` right
 * before each call that reaches storage. Outside an explored schedule it resolves at once.
 */
export type IoGate = (label: string) => Promise<void>;

/** Stores whose every storage call first awaits the gate; over the same backend as `createStore`. */
export interface IoHook {
  createStore(gate: IoGate): ConversationStore | Promise<ConversationStore>;
  /** A second, independent instance (own pool or client); default `createStore`. */
  createPeerStore?(gate: IoGate): ConversationStore | Promise<ConversationStore>;
}

/** Polls of 1 ms with nothing moving after which a call not at a gate counts as blocked (a row lock held by a call waiting at one). */
const STALL_POLLS = 15;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs concurrent calls while fast-check's scheduler picks which waiting storage call goes next. Between two
 * picks it waits until every running call is at a gate or done (or has stalled inside the backend, blocked
 * by another call's lock), so each pick chooses among all the calls that could move.
 */
export function createExplorer() {
  let scheduler: fc.Scheduler | null = null;
  let atGate = 0;
  let moves = 0;
  let gated = 0;
  return {
    /** Storage calls that waited at a gate so far: 0 after a run means the hook is not wired in. */
    gated: () => gated,
    /** The gate for one store instance; its name prefixes the labels in the printed schedule. */
    gate(name: string): IoGate {
      return async (label) => {
        const s = scheduler;
        if (!s) return;
        atGate += 1;
        moves += 1;
        gated += 1;
        try {
          await s.schedule(Promise.resolve(), `${name}: ${label}`);
        } finally {
          atGate -= 1;
          moves += 1;
        }
      };
    },
    /** Starts every task at once and lets the scheduler order their storage calls until all are done. */
    async run<T>(s: fc.Scheduler, tasks: (() => Promise<T>)[]): Promise<T[]> {
      scheduler = s;
      let running = tasks.length;
      try {
        const all = tasks.map((task) =>
          task().finally(() => {
            running -= 1;
            moves += 1;
          }),
        );
        while (running > 0) {
          for (let idle = 0, seen = moves; running > 0 && atGate < running;) {
            await sleep(1);
            if (moves !== seen) [seen, idle] = [moves, 0];
            else if (atGate > 0 && ++idle >= STALL_POLLS) break;
          }
          if (running > 0 && s.count() > 0) await s.waitNext(1);
        }
        return await Promise.all(all);
      } finally {
        scheduler = null;
      }
    },
  };
}
