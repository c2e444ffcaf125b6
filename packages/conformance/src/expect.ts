/**
 * The few matchers the checks use, with no dependency on vitest or Node, so the checks run under
 * vitest, in workerd, in a browser and from CommonJS. Failures name the values they compared.
 */

/** Thrown by a failed expectation; `actual` and `expected` are the values compared. */
export class ConformanceAssertionError extends Error {
  constructor(
    message: string,
    readonly actual?: unknown,
    readonly expected?: unknown,
  ) {
    super(message);
    this.name = 'ConformanceAssertionError';
  }
}

/** A value shown in a failure message: JSON where possible, cut to 300 characters. */
export function show(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Deep equality that, like vitest's toEqual, treats a property set to undefined as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const [ka, kb] = [keys(a), keys(b)];
  return (
    ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
  );
}

/** Whether `actual` has every property of `pattern` with a matching value (recursively; arrays match element by element). */
export function matchesObject(actual: unknown, pattern: unknown): boolean {
  if (!isObject(pattern)) return Object.is(actual, pattern);
  if (!isObject(actual)) return false;
  if (Array.isArray(pattern))
    return (
      Array.isArray(actual) && actual.length === pattern.length && pattern.every((p, i) => matchesObject(actual[i], p))
    );
  return Object.keys(pattern).every(
    (k) => Object.prototype.hasOwnProperty.call(actual, k) && matchesObject(actual[k], pattern[k]),
  );
}

type Matchers = {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toBeGreaterThan(n: number): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  toHaveLength(n: number): void;
  toContain(item: unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toHaveProperty(key: string): void;
  toBeInstanceOf(type: abstract new (...args: never[]) => unknown): void;
};

/** `expect(actual, why?)` with the matchers above and `.not`; `why` is printed before the values. */
export function expect(actual: unknown, why?: string): Matchers & { not: Matchers } {
  const make = (negate: boolean): Matchers => {
    const check = (pass: boolean, description: string, expected?: unknown): void => {
      if (pass !== negate) return;
      const message = `${why ? `${why}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${description}`;
      throw new ConformanceAssertionError(message, actual, expected);
    };
    const num = (n: number, op: string, pass: boolean) => check(typeof actual === 'number' && pass, `${op} ${n}`, n);
    return {
      toBe: (e) => check(Object.is(actual, e), `to be ${show(e)}`, e),
      toEqual: (e) => check(deepEqual(actual, e), `to equal ${show(e)}`, e),
      toMatchObject: (e) => check(matchesObject(actual, e), `to match ${show(e)}`, e),
      toBeGreaterThan: (n) => num(n, 'to be >', (actual as number) > n),
      toBeGreaterThanOrEqual: (n) => num(n, 'to be >=', (actual as number) >= n),
      toBeLessThanOrEqual: (n) => num(n, 'to be <=', (actual as number) <= n),
      toHaveLength: (n) =>
        check(
          isObject(actual) || typeof actual === 'string' ? (actual as { length?: unknown }).length === n : false,
          `to have length ${n}`,
          n,
        ),
      toContain: (item) =>
        check(
          Array.isArray(actual) ? actual.includes(item) : typeof actual === 'string' && actual.includes(String(item)),
          `to contain ${show(item)}`,
          item,
        ),
      toBeNull: () => check(actual === null, 'to be null', null),
      toBeUndefined: () => check(actual === undefined, 'to be undefined', undefined),
      toBeDefined: () => check(actual !== undefined, 'to be defined'),
      toHaveProperty: (key) => check(isObject(actual) && key in actual, `to have property "${key}"`),
      toBeInstanceOf: (type) => check(actual instanceof type, `to be an instance of ${type.name}`),
    };
  };
  return Object.assign(make(false), { not: make(true) });
}
