import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/shared/schema.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Statements of a wrangler migration file: comments dropped, split on semicolons. */
function statementsOf(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

describe('the package', () => {
  it('ships migrations/*.sql with exactly the statements the code applies (D1 from code and the Durable Object)', () => {
    const shipped = readdirSync(join(root, 'migrations'))
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(shipped).toEqual(MIGRATIONS.map((m) => m.name));
    for (const migration of MIGRATIONS) {
      expect(statementsOf(readFileSync(join(root, 'migrations', migration.name), 'utf8'))).toEqual(
        migration.statements.map((s) => s.trim()),
      );
    }
  });

  it('library entries import nothing from Node (only core, cloudflare:workers and their own files)', () => {
    const library = files(join(root, 'src')).filter((f) => !relative(root, f).startsWith(join('src', 'cli')));
    expect(library.length).toBeGreaterThan(10);
    for (const file of library) {
      const source = readFileSync(file, 'utf8');
      const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        expect(
          ['@agent-conversations/core', 'cloudflare:workers'].includes(specifier) || specifier.startsWith('.'),
          `${relative(root, file)} imports ${specifier}`,
        ).toBe(true);
      }
      expect(source, `${relative(root, file)} reads process`).not.toMatch(/\bprocess\./);
    }
  });
});
