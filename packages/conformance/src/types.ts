import type { ConversationStore, Message } from '@agent-conversations/core';
import type { IoHook } from './model/explorer.js';
import type { ModelSettings } from './model/properties.js';
import type { ConformanceReport } from './report.js';

/** Reads the backend directly, bypassing the adapter, so tests can check what is really stored. */
export interface ConformanceInspector {
  /** The stored messages of (userId, id) in sequence order, read straight from the backend; [] when there are none. */
  messages(userId: string, id: string): Promise<Message[]>;
  /** Whether a live (not deleted) conversation exists for (userId, id), read straight from the backend. */
  exists(userId: string, id: string): Promise<boolean>;
}

/** What the adapter can do; a missing capability skips its tests visibly. */
export interface ConformanceCapabilities {
  /** Lone UTF-16 surrogates (`"\ud800"`) round-trip exactly. Default true. */
  loneSurrogates: boolean;
  /** Messages with 1 MB strings round-trip. Default true. */
  largeMessages: boolean;
  /** `createdAt`/`updatedAt` passed to upsert are kept (import/copy). Default true. */
  importTimestamps: boolean;
  /** Two writers with the same expectedVersion: exactly one wins (a compare-and-set in the backend). Default true. */
  atomicExpectedVersion: boolean;
  /** Concurrent writes to one conversation from two instances are linearizable. Default true; false races one write against reads only. */
  atomicWrites: boolean;
  /** Writers in the concurrent-append race. Default 50; below 50 the race is reported as weakened, below 10 it fails. */
  concurrency: number;
}

/** How an adapter plugs into the suite. */
export interface ConformanceOptions {
  /** Shown in the describe block, e.g. "postgres". */
  name: string;
  /** A ready store over the backend; called for every test, closed after it. Tests use random user ids. */
  createStore(): ConversationStore | Promise<ConversationStore>;
  /** A second, independent instance over the same backend (own pool/client), for cross-instance races. */
  createPeerStore?(): ConversationStore | Promise<ConversationStore>;
  /** Direct readers of the backend. */
  inspect?: ConformanceInspector;
  /**
   * For a backend that stamps its own times (importTimestamps: false): make every write it stamps from now on
   * carry this Unix ms, or the real clock again after null. The suite uses it to force updatedAt ties.
   */
  clock?: { set(ms: number | null): void | Promise<void> };
  capabilities?: Partial<ConformanceCapabilities>;
  /**
   * The I/O boundary hook: stores over the same backend whose every storage call first awaits `gate(label)`, wired
   * through what the factory already accepts (a pg Pool, a ClickHouse client, a fetch, a binding). Without it
   * `model.interleavings` is skipped.
   */
  io?: IoHook;
  /** Cases per model-based check and the seed; default CONFORMANCE_RUNS or 200, CONFORMANCE_SEED or (under CI) a fixed seed, else random. */
  model?: Partial<ModelSettings>;
  /** Runs once before the suite (start a server, migrate). */
  setup?(): void | Promise<void>;
  /** Runs once after the suite (stop servers). */
  teardown?(): void | Promise<void>;
  /** Per-test timeout in ms. Default 30000. */
  timeoutMs?: number;
  /**
   * Checks, by id, that the adapter is known to fail today, each with the reason (the defect and where it is tracked). Each is
   * reported as skipped with that reason, so the summary names it and `strict` fails; never a way to pass quietly.
   */
  knownFailures?: Record<string, string>;
  /** Fail the run when any check is skipped or weakened (a final `[strict]` test lists them). Default false. */
  strict?: boolean;
  /** Receives the report (counts, and per check its status and reason) after the last check. */
  onReport?(report: ConformanceReport): void | Promise<void>;
  /** Do not print the closing summary (the CLI prints its own). Default false. */
  quiet?: boolean;
}
