import type { ClickHouseClient } from '@clickhouse/client';

/** The client calls that send a statement to ClickHouse. */
const STATEMENTS = new Set(['query', 'insert', 'command', 'exec']);

type State = 'running' | 'waiting' | 'done';

/** One writer under the scheduler: its own client (gated before every statement) and what it runs. */
interface Writer {
  state: State;
  release?: () => void;
  /** Statements this writer has sent so far. */
  sent: number;
}

/**
 * A client whose every statement waits at a gate the scheduler opens: the test seam that pauses a writer
 * between any two of its statements. Until `armed` is true, statements pass straight through (setup).
 */
export function gatedClient(real: ClickHouseClient, gate: () => Promise<void>, armed: () => boolean): ClickHouseClient {
  return new Proxy(real, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !STATEMENTS.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        if (armed()) await gate();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A step of one run: which writers were paused at a statement, and which one went. */
export interface Step {
  waiting: number[];
  chose: number;
}

/**
 * Runs writers so that exactly one statement is in flight at a time, in the order `choices` gives (a writer
 * index per step; past the end of `choices`, the lowest waiting writer goes). Returns the steps taken, so a
 * caller can enumerate every other choice.
 */
export class Interleaver {
  private writers: Writer[] = [];
  private wake: (() => void) | undefined;
  armed = false;

  /** The gate for writer `index`. */
  gate(index: number): () => Promise<void> {
    return () =>
      new Promise<void>((resolve) => {
        const w = this.writers[index]!;
        w.state = 'waiting';
        w.release = () => {
          w.state = 'running';
          w.sent += 1;
          resolve();
        };
        this.wake?.();
      });
  }

  private async quiet(): Promise<void> {
    while (this.writers.some((w) => w.state === 'running')) await new Promise<void>((r) => (this.wake = r));
  }

  /** Runs the writers' tasks under `choices`; resolves with each task's outcome and the steps. */
  async run<T>(
    tasks: (() => Promise<T>)[],
    choices: readonly number[],
  ): Promise<{ outcomes: PromiseSettledResult<T>[]; steps: Step[] }> {
    const outcomes: PromiseSettledResult<T>[] = [];
    this.writers = tasks.map(() => ({ state: 'running', sent: 0 }));
    this.armed = true;
    const done = tasks.map((task, i) => {
      return task()
        .then(
          (value) => (outcomes[i] = { status: 'fulfilled', value }),
          (reason: unknown) => (outcomes[i] = { status: 'rejected', reason }),
        )
        .finally(() => {
          this.writers[i]!.state = 'done';
          this.wake?.();
        });
    });
    const steps: Step[] = [];
    for (;;) {
      await this.quiet();
      const waiting = this.writers.flatMap((w, i) => (w.state === 'waiting' ? [i] : []));
      if (waiting.length === 0) break;
      const wanted = choices[steps.length];
      const chose = wanted !== undefined && waiting.includes(wanted) ? wanted : waiting[0]!;
      steps.push({ waiting, chose });
      this.writers[chose]!.release!();
    }
    await Promise.all(done);
    this.armed = false;
    return { outcomes, steps };
  }
}

/** Every schedule of a scenario: depth-first over the choice points, each schedule run once. */
export async function everySchedule(run: (choices: number[]) => Promise<Step[]>, limit = 2000): Promise<number> {
  const pending: number[][] = [[]];
  let count = 0;
  while (pending.length > 0) {
    const prefix = pending.pop()!;
    const steps = await run(prefix);
    count += 1;
    if (count > limit) throw new Error(`more than ${limit} schedules`);
    for (let i = prefix.length; i < steps.length; i++) {
      const chosen = steps.slice(0, i).map((s) => s.chose);
      for (const other of steps[i]!.waiting) if (other !== steps[i]!.chose) pending.push([...chosen, other]);
    }
  }
  return count;
}
