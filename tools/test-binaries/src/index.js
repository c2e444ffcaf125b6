import { existsSync } from 'node:fs';

// Plain JavaScript (types in index.d.ts) so that vitest configs, which Node loads without a TypeScript loader, can import it.

/** @type {import('./index.js').TestBinary} */
export const CHROMIUM = {
  name: 'Chromium',
  envVar: 'CHROMIUM_PATH',
  paths: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  debianPackage: 'chromium',
};

/** @type {import('./index.js').TestBinary} */
export const PGBOUNCER = { name: 'pgbouncer', envVar: 'PGBOUNCER_PATH', paths: ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'], debianPackage: 'pgbouncer' };

/** ClickHouse 18.16, too old for the store: the tests prove it is refused with a clear error. Debian 12 still ships it. */
/** @type {import('./index.js').TestBinary} */
export const OLD_CLICKHOUSE = {
  name: 'clickhouse-server 18.16',
  envVar: 'CLICKHOUSE_OLD_SERVER_PATH',
  paths: ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'],
  debianPackage: 'clickhouse-server',
};

export const TEST_BINARIES = [CHROMIUM, PGBOUNCER, OLD_CLICKHOUSE];

/** The binary's path, or null when it is not there. */
export function findBinary(binary) {
  const given = process.env[binary.envVar];
  if (given) return existsSync(given) ? given : null;
  return binary.paths.find((p) => existsSync(p)) ?? null;
}

/** Why the binary cannot be found and how to get it, in one line. */
export function missingMessage(binary) {
  const given = process.env[binary.envVar];
  if (given) return `${binary.name} not found at ${binary.envVar}=${given}`;
  return `${binary.name} not found (looked in ${binary.paths[0]} and ${binary.paths.length - 1} other places): run npm test as root to install it, or apt-get install -y ${binary.debianPackage}, or set ${binary.envVar}`;
}

/** The binary's path; throws the one-line reason when it is missing. */
export function requireBinary(binary) {
  const found = findBinary(binary);
  if (!found) throw new Error(missingMessage(binary));
  return found;
}
