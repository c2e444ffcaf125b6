/** The server-side store packages this demo registers when they are installed (store-browser is for the page). */
export const SERVER_STORE_PACKAGES = ['store-agentstate', 'store-cloudflare', 'store-postgres', 'store-clickhouse'] as const;

function notInstalled(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`@agent-conversations/${name}`);
}

/**
 * Imports `@agent-conversations/<store>/register` for every installed server store package, as an app does
 * at startup, so the resolver can pick whatever the environment configures (DATABASE_URL → postgres).
 * Returns one line per package.
 */
export async function registerInstalledStores(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of SERVER_STORE_PACKAGES) {
    const specifier = `@agent-conversations/${name}/register`;
    try {
      await import(specifier);
      lines.push(`registered ${specifier}`);
    } catch (error) {
      if (!notInstalled(error, name)) throw error;
      lines.push(`not installed: @agent-conversations/${name}`);
    }
  }
  return lines;
}
