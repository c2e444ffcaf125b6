import { describe, expect, it } from 'vitest';
import { jsoncEditor } from '../src/cli/jsonc-editor.js';
import { parseJsonc } from '../src/cli/jsonc.js';
import { parseCreatedId } from '../src/cli/setup.js';
import { tomlEditor } from '../src/cli/toml-editor.js';

const entry = {
  binding: 'CONVERSATIONS_D1',
  database_name: 'chats',
  database_id: '7d1c3f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f',
  migrations_dir: 'm',
};
/** What the text means, comments aside. */
const meaning = (text: string): unknown => JSON.parse(JSON.stringify(evalJsonc(text)));
function evalJsonc(text: string): unknown {
  const node = parseJsonc(text);
  const value = (n: typeof node): unknown =>
    n.kind === 'object'
      ? Object.fromEntries(n.props.map((p) => [p.key, value(p.value)]))
      : n.kind === 'array'
        ? n.items.map(value)
        : n.value;
  return value(node);
}

describe('jsonc editor', () => {
  it.each([
    ['an empty object', '{}', { d1_databases: [entry] }],
    ['an empty d1_databases array', '{ "name": "a", "d1_databases": [] }', { name: 'a', d1_databases: [entry] }],
    [
      'a one-line array with a trailing comma',
      '{\n  "d1_databases": [{ "binding": "X", "database_id": "1" },],\n}',
      { d1_databases: [{ binding: 'X', database_id: '1' }, entry] },
    ],
    [
      'an entry without an id (filled in, other keys kept)',
      '{\n  "d1_databases": [\n    { "binding": "CONVERSATIONS_D1", "database_name": "mine" } // ours\n  ]\n}',
      {
        d1_databases: [
          { binding: 'CONVERSATIONS_D1', database_name: 'mine', database_id: entry.database_id, migrations_dir: 'm' },
        ],
      },
    ],
    [
      'comments holding brackets and quotes',
      '{\n  // "d1_databases": [ not this ]\n  "name": "x /* not a comment */", /* } */\n}',
      { name: 'x /* not a comment */', d1_databases: [entry] },
    ],
  ])('adds the entry to %s', (_what, text, expected) => {
    const out = jsoncEditor.ensure(text, entry);
    expect(meaning(out)).toEqual(expected);
    expect(jsoncEditor.ensure(out, entry)).toBe(out);
    expect(meaning(jsoncEditor.remove(out, 'CONVERSATIONS_D1'))).toEqual({
      ...(expected as object),
      d1_databases: (expected as { d1_databases: unknown[] }).d1_databases.filter(
        (d) => d !== entry && (d as { binding: string }).binding !== 'CONVERSATIONS_D1',
      ),
    });
  });

  it('keeps comments around the entry it edits', () => {
    const text =
      '{\n  "d1_databases": [\n    {\n      "binding": "CONVERSATIONS_D1",\n      "database_id": "00000000-0000-4000-8000-000000000000" // placeholder\n    }\n  ]\n}\n';
    const out = jsoncEditor.ensure(text, entry);
    expect(out).toContain(
      `"database_id": "${entry.database_id}", // placeholder\n      "database_name": "chats",\n      "migrations_dir": "m"\n    }`,
    );
  });
});

describe('toml editor', () => {
  it('fills in a block that lacks keys, after its last key and before the next table', () => {
    const text =
      'name = "a"\n\n[[d1_databases]]\nbinding = "CONVERSATIONS_D1" # ours\ndatabase_id = \'00000000-0000-4000-8000-000000000000\' # placeholder\n\n# next\n[vars]\nA = "1"\n';
    const out = tomlEditor.ensure(text, entry);
    expect(out).toBe(
      `name = "a"\n\n[[d1_databases]]\nbinding = "CONVERSATIONS_D1" # ours\ndatabase_id = "${entry.database_id}" # placeholder\ndatabase_name = "chats"\nmigrations_dir = "m"\n\n# next\n[vars]\nA = "1"\n`,
    );
    expect(tomlEditor.find(out, 'CONVERSATIONS_D1')).toEqual({
      databaseId: entry.database_id,
      databaseName: 'chats',
      migrationsDir: 'm',
    });
    expect(tomlEditor.remove(out, 'CONVERSATIONS_D1')).toBe('name = "a"\n\n# next\n[vars]\nA = "1"\n');
  });

  it('ignores a [[d1_databases]] line inside a multi-line string, and refuses an inline d1_databases array', () => {
    const text = 'name = "a"\nnotes = """\n[[d1_databases]]\nbinding = "CONVERSATIONS_D1"\n"""\n';
    expect(tomlEditor.find(text, 'CONVERSATIONS_D1')).toBeUndefined();
    expect(() => tomlEditor.ensure('d1_databases = [ { binding = "X" } ]\n', entry)).toThrow(/inline array/);
  });
});

describe('wrangler d1 create output', () => {
  it('yields the id from a JSON or a TOML snippet', () => {
    expect(
      parseCreatedId(
        '{\n  "d1_databases": [\n    {\n      "database_id": "7d1c3f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f"\n    }\n  ]\n}',
      ),
    ).toBe(entry.database_id);
    expect(
      parseCreatedId('[[d1_databases]]\nbinding = "DB"\ndatabase_id = "7d1c3f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f"'),
    ).toBe(entry.database_id);
    expect(parseCreatedId('no id here')).toBeUndefined();
  });
});
