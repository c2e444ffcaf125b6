import type { ConfigEditor, FoundEntry } from './d1-entry.js';
import { parseJsonc, prop, skipTrivia, type JsonNode } from './jsonc.js';

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function indentAt(text: string, at: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, at)))![0];
}

function unitOf(text: string, root: JsonNode): string {
  const first = root.kind === 'object' ? root.props[0] : undefined;
  return (first && indentAt(text, first.keyStart)) || '  ';
}

/** JSON of `value` laid out with `unit` indentation, continuation lines starting at `indent`. */
function layout(value: unknown, indent: string, unit: string): string {
  return JSON.stringify(value, null, unit).split('\n').join(`\n${indent}`);
}

function entryOf(root: JsonNode, binding: string): JsonNode | undefined {
  const list = prop(root, 'd1_databases');
  if (list?.kind !== 'array') return undefined;
  return list.items.find(
    (item) =>
      prop(item, 'binding')?.kind === 'value' && (prop(item, 'binding') as { value: unknown }).value === binding,
  );
}

/**
 * Inserts `piece` as the last member of an object or array node: after the last member's comma (adding one when
 * missing), on its own line (after any comment ending that line) when the container spans lines.
 */
function appendMember(
  text: string,
  container: JsonNode & { kind: 'object' | 'array' },
  piece: (indent: string) => string,
  unit: string,
): string {
  const members =
    container.kind === 'object'
      ? container.props.map((p) => ({ start: p.keyStart, end: p.value.end }))
      : container.items;
  const last = members[members.length - 1];
  if (!last) {
    const indent = indentAt(text, container.start);
    return `${text.slice(0, container.start + 1)}\n${indent}${unit}${piece(indent + unit)}\n${indent}${text.slice(container.end - 1)}`;
  }
  const multiline = text.slice(container.start, last.start).includes('\n');
  const next = skipTrivia(text, last.end);
  let out = text;
  let at = next + 1;
  if (text[next] !== ',') {
    out = `${text.slice(0, last.end)},${text.slice(last.end)}`;
    at = last.end + 1;
  }
  if (!multiline) return `${out.slice(0, at)} ${piece('')}${out.slice(at)}`;
  const indent = indentAt(out, last.start);
  const lineEnd = out.indexOf('\n', at);
  const rest = out.slice(at, lineEnd === -1 ? out.length : lineEnd).trim();
  if (lineEnd !== -1 && (rest === '' || rest.startsWith('//'))) at = lineEnd;
  return `${out.slice(0, at)}\n${indent}${piece(indent)}${out.slice(at)}`;
}

/** wrangler.json / wrangler.jsonc, edited as text. */
export const jsoncEditor: ConfigEditor = {
  workerName(text) {
    const name = prop(parseJsonc(text), 'name');
    return name?.kind === 'value' && typeof name.value === 'string' ? name.value : undefined;
  },

  find(text, binding) {
    const entry = entryOf(parseJsonc(text), binding);
    if (!entry) return undefined;
    const read = (key: string): string | undefined => {
      const node = prop(entry, key);
      return node?.kind === 'value' && typeof node.value === 'string' ? node.value : undefined;
    };
    const found: FoundEntry = {
      databaseId: read('database_id'),
      databaseName: read('database_name'),
      migrationsDir: read('migrations_dir'),
    };
    return found;
  },

  ensure(text, entry) {
    let root = parseJsonc(text);
    if (root.kind !== 'object') throw new SyntaxError('the wrangler config must be a JSON object');
    const unit = unitOf(text, root);
    const existing = entryOf(root, entry.binding);
    if (!existing) {
      const list = prop(root, 'd1_databases');
      if (list === undefined)
        return appendMember(text, root, (indent) => `"d1_databases": ${layout([entry], indent, unit)}`, unit);
      if (list.kind !== 'array') throw new SyntaxError('d1_databases must be an array');
      return appendMember(text, list, (indent) => layout(entry, indent, unit), unit);
    }
    let out = text;
    for (const key of ['database_id', 'migrations_dir'] as const) {
      const node = prop(entryOf(parseJsonc(out), entry.binding)!, key);
      if (node && !(node.kind === 'value' && node.value === entry[key]))
        out = `${out.slice(0, node.start)}${JSON.stringify(entry[key])}${out.slice(node.end)}`;
    }
    for (const key of ['database_name', 'database_id', 'migrations_dir'] as const) {
      root = parseJsonc(out);
      const current = entryOf(root, entry.binding)!;
      if (prop(current, key) === undefined && current.kind === 'object') {
        out = appendMember(out, current, () => `${JSON.stringify(key)}: ${JSON.stringify(entry[key])}`, unit);
      }
    }
    return out;
  },

  remove(text, binding) {
    const root = parseJsonc(text);
    const list = prop(root, 'd1_databases');
    const entry = entryOf(root, binding);
    if (!entry || list?.kind !== 'array') return text;
    const next = skipTrivia(text, entry.end);
    if (text[next] === ',') {
      // Drop the entry and its comma, and the line when nothing else is on it.
      const start = lineStart(text, entry.start);
      const from = text.slice(start, entry.start).trim() === '' ? start : entry.start;
      const lineEnd = text.indexOf('\n', next);
      const to = lineEnd !== -1 && text.slice(next + 1, lineEnd).trim() === '' ? lineEnd + 1 : next + 1;
      return text.slice(0, from) + text.slice(to);
    }
    // The last entry: drop it with the comma before it (or everything inside the brackets when it is the only one).
    const previous = list.items[list.items.indexOf(entry) - 1];
    return previous
      ? text.slice(0, previous.end) + text.slice(entry.end)
      : text.slice(0, list.start + 1) + text.slice(next);
  },
};
