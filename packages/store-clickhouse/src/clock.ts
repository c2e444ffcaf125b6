/** Ticks per millisecond of the hybrid clock. */
const TICKS_PER_MS = 1000;

/** Version of a tombstone: above every clock value, so a deleted row can never come back (keys are never reused). */
export const TOMBSTONE_VERSION = Number.MAX_SAFE_INTEGER;

let last = 0;

/**
 * A hybrid logical clock shared by every store in the process: `Date.now()` in thousandths of a ms,
 * strictly increasing, and never below `floor` (a value read from the table), so a write is always
 * newer than what it read even when two writes land in the same millisecond or clocks disagree.
 */
export function tick(floor = 0, now: number = Date.now()): number {
  last = Math.max(last + 1, now * TICKS_PER_MS, floor);
  return last;
}
