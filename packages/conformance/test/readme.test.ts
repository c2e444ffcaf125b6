import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('lists every check, like a spec, by id and promise, in suite order', () => {
    const rows = [...readme.matchAll(/^\| `([a-z-]+\.[a-z0-9-]+)` +\| (.+?) +\| .*\|$/gm)].map((m) => [
      m[1],
      m[2]!.replace(/\\([|_*`])/g, '$1'), // Markdown escapes such as \| in a table cell and \_\_proto\_\_
    ]);
    expect(rows).toEqual(ALL_CHECKS.map((c) => [c.id, c.name]));
  });
});
