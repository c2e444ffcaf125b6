import { readFile } from 'node:fs/promises';
import { ConversationStoreError } from '@agent-conversations/core';

/** Parses dotenv text: `KEY=value`, `export KEY=value`, quotes, `#` comments; later keys win. */
export function parseEnvText(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConversationStoreError('CONFIG', `env file line ${index + 1} is not KEY=value`);
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    env[match[1]!] = value;
  }
  return env;
}

/** Reads an env file; a missing file is a CONFIG error naming it. */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConversationStoreError('CONFIG', `cannot read env file ${path}`, { cause: error });
  }
  return parseEnvText(text);
}
