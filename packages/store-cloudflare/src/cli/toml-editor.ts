import type { ConfigEditor, D1Entry, FoundEntry } from './d1-entry.js';

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;
const ARRAY_HEADER = /^\s*\[\[\s*d1_databases\s*\]\]\s*(#.*)?$/;

/** A `[[d1_databases]]` block: its header line and the line after its last line. */
interface Block {
  start: number;
  end: number;
}

function linesOf(text: string): string[] {
  return text.split('\n');
}

/** Indexes of table header lines, skipping lines inside multi-line strings. */
function headers(lines: readonly string[]): number[] {
  const out: number[] = [];
  let inString: string | null = null;
  lines.forEach((line, i) => {
    if (inString === null && HEADER.test(line)) out.push(i);
    for (const quote of ['"""', "'''"]) {
      const count = line.split(quote).length - 1;
      if (count % 2 === 1 && (inString === null || inString === quote)) inString = inString === null ? quote : null;
    }
  });
  return out;
}

function readKey(lines: readonly string[], block: Block, key: string): { line: number; value: string } | undefined {
  const pattern = new RegExp(`^\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'([^']*)')`);
  for (let i = block.start + 1; i < block.end; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { line: i, value: match[1] !== undefined ? (JSON.parse(`"${match[1]}"`) as string) : match[2]! };
  }
  return undefined;
}

function findBlock(lines: readonly string[], binding: string): Block | undefined {
  const all = headers(lines);
  for (const [n, start] of all.entries()) {
    if (!ARRAY_HEADER.test(lines[start]!)) continue;
    const block = { start, end: all[n + 1] ?? lines.length };
    if (readKey(lines, block, 'binding')?.value === binding) return block;
  }
  return undefined;
}

function assertNoInlineArray(lines: readonly string[]): void {
  const first = headers(lines)[0] ?? lines.length;
  if (lines.slice(0, first).some((line) => /^\s*d1_databases\s*=/.test(line))) {
    throw new SyntaxError(
      'this wrangler.toml declares d1_databases as an inline array; add the entry there by hand or switch to [[d1_databases]] tables',
    );
  }
}

/** The last key line of a block (new keys go after it, before trailing comments and blank lines). */
function lastKeyLine(lines: readonly string[], block: Block): number {
  for (let i = block.end - 1; i > block.start; i--) if (/^\s*[A-Za-z0-9_"'-]+\s*=/.test(lines[i]!)) return i;
  return block.start;
}

/** wrangler.toml, edited line by line. */
export const tomlEditor: ConfigEditor = {
  workerName(text) {
    const lines = linesOf(text);
    const first = headers(lines)[0] ?? lines.length;
    const block = { start: -1, end: first };
    return readKey(lines, block, 'name')?.value;
  },

  find(text, binding) {
    const lines = linesOf(text);
    const block = findBlock(lines, binding);
    if (!block) return undefined;
    const found: FoundEntry = {
      databaseId: readKey(lines, block, 'database_id')?.value,
      databaseName: readKey(lines, block, 'database_name')?.value,
      migrationsDir: readKey(lines, block, 'migrations_dir')?.value,
    };
    return found;
  },

  ensure(text, entry: D1Entry) {
    const lines = linesOf(text);
    assertNoInlineArray(lines);
    const block = findBlock(lines, entry.binding);
    if (!block) {
      const body = (Object.keys(entry) as (keyof D1Entry)[]).map((key) => `${key} = ${JSON.stringify(entry[key])}`);
      const trimmed = text.replace(/\s*$/, '');
      return `${trimmed}${trimmed ? '\n\n' : ''}[[d1_databases]]\n${body.join('\n')}\n`;
    }
    for (const key of ['database_id', 'migrations_dir'] as const) {
      const found = readKey(lines, block, key);
      if (found && found.value !== entry[key]) {
        lines[found.line] = lines[found.line]!.replace(
          new RegExp(`^(\\s*${key}\\s*=\\s*)("(?:[^"\\\\]|\\\\.)*"|'[^']*')`),
          `$1${JSON.stringify(entry[key])}`,
        );
      }
    }
    const indent = /^\s*/.exec(lines[readKey(lines, block, 'binding')!.line]!)![0];
    const missing = (['database_name', 'database_id', 'migrations_dir'] as const).filter(
      (key) => !readKey(lines, block, key),
    );
    lines.splice(
      lastKeyLine(lines, block) + 1,
      0,
      ...missing.map((key) => `${indent}${key} = ${JSON.stringify(entry[key])}`),
    );
    return lines.join('\n');
  },

  remove(text, binding) {
    const lines = linesOf(text);
    const block = findBlock(lines, binding);
    if (!block) return text;
    // Keep comments after the last key: they usually introduce the next table.
    lines.splice(block.start, lastKeyLine(lines, block) + 1 - block.start);
    if (block.start > 0 && lines[block.start - 1]!.trim() === '' && (lines[block.start] ?? '').trim() === '')
      lines.splice(block.start, 1);
    return lines.join('\n');
  },
};
