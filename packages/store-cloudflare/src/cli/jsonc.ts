/** A JSONC value with its position in the source text (end is exclusive). */
export type JsonNode =
  | { kind: 'object'; start: number; end: number; props: JsonProp[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'value'; start: number; end: number; value: unknown };

/** One property of an object node. */
export interface JsonProp {
  key: string;
  keyStart: number;
  value: JsonNode;
}

/** Index of the next character that is not whitespace or a comment. */
export function skipTrivia(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) throw new SyntaxError(`unterminated comment at ${i}`);
      i = close + 2;
    } else return i;
  }
}

/** Parses JSONC (comments and trailing commas allowed) keeping every node's position, so edits can touch only the text they change. */
export function parseJsonc(text: string): JsonNode {
  let pos = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    throw new SyntaxError(`${what} at line ${line}`);
  };
  const readString = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    if (pos >= text.length) fail('unterminated string');
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (): JsonNode => {
    pos = skipTrivia(text, pos);
    const start = pos;
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const props: JsonProp[] = [];
      for (;;) {
        pos = skipTrivia(text, pos);
        if (text[pos] === '}') break;
        if (text[pos] !== '"') fail('expected a property name');
        const keyStart = pos;
        const key = readString();
        pos = skipTrivia(text, pos);
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        props.push({ key, keyStart, value: value() });
        pos = skipTrivia(text, pos);
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail('expected "," or "}"');
      }
      pos++;
      return { kind: 'object', start, end: pos, props };
    }
    if (ch === '[') {
      pos++;
      const items: JsonNode[] = [];
      for (;;) {
        pos = skipTrivia(text, pos);
        if (text[pos] === ']') break;
        items.push(value());
        pos = skipTrivia(text, pos);
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') fail('expected "," or "]"');
      }
      pos++;
      return { kind: 'array', start, end: pos, items };
    }
    if (ch === '"') {
      const text = readString();
      return { kind: 'value', start, end: pos, value: text };
    }
    const match = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(pos, pos + 400));
    if (!match) fail('unexpected character');
    pos += match![0].length;
    return { kind: 'value', start, end: pos, value: JSON.parse(match![0]) };
  };
  const root = value();
  if (skipTrivia(text, pos) !== text.length) fail('unexpected text after the end');
  return root;
}

/** The value of an object's property, if present. */
export function prop(node: JsonNode | undefined, key: string): JsonNode | undefined {
  return node?.kind === 'object' ? node.props.find((p) => p.key === key)?.value : undefined;
}
