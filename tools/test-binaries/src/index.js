import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

// Plain JavaScript (types in index.d.ts) so that vitest configs, which Node loads without a TypeScript loader, can import it.

const require = createRequire(import.meta.url);

/** Where playwright-core (a dependency of store-browser and the chat example) keeps the Chromium that `npx playwright-core install chromium` downloads: its public `chromium.executablePath()`, honouring PLAYWRIGHT_BROWSERS_PATH. */
function playwrightChromium() {
  let playwright;
  try {
    playwright = require('playwright-core');
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return [];
    throw error;
  }
  return [playwright.chromium.executablePath()];
}

/** @type {import('./index.js').TestBinary} */
export const CHROMIUM = {
  name: 'Chromium',
  envVar: 'CHROMIUM_PATH',
  paths: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ],
  morePaths: playwrightChromium,
  debianPackage: 'chromium',
  install:
    "Debian: sudo apt-get install -y chromium; Ubuntu: sudo snap install chromium; macOS: install Google Chrome or Chromium; anywhere: npx playwright-core install chromium (into playwright's cache)",
};

/** @type {import('./index.js').TestBinary} */
export const PGBOUNCER = {
  name: 'pgbouncer',
  envVar: 'PGBOUNCER_PATH',
  paths: ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'],
  debianPackage: 'pgbouncer',
};

/** ClickHouse 18.16, too old for the store: the tests prove it is refused with a clear error. Debian 12 still ships it. */
/** @type {import('./index.js').TestBinary} */
export const OLD_CLICKHOUSE = {
  name: 'clickhouse-server 18.16',
  envVar: 'CLICKHOUSE_OLD_SERVER_PATH',
  paths: ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'],
  debianPackage: 'clickhouse-server',
};

export const TEST_BINARIES = [CHROMIUM, PGBOUNCER, OLD_CLICKHOUSE];

/** Every place looked in after the env variable, in order: the usual paths, then the computed ones. */
export function searchPaths(binary) {
  return [...binary.paths, ...(binary.morePaths?.() ?? [])];
}

/** The binary's path, or null when it is not there. */
export function findBinary(binary) {
  const given = process.env[binary.envVar];
  if (given) return existsSync(given) ? given : null;
  return searchPaths(binary).find((p) => existsSync(p)) ?? null;
}

/** Why the binary cannot be found and how to get it, in one line. */
export function missingMessage(binary) {
  const given = process.env[binary.envVar];
  if (given) return `${binary.name} not found at ${binary.envVar}=${given} (unset it to look in the usual places)`;
  const how = binary.install ?? `sudo apt-get install -y ${binary.debianPackage}`;
  return `${binary.name} not found: ${binary.envVar} is unset and none of ${searchPaths(binary).join(', ')} exists. Install it (${how}), run npm test as root on Debian to have it installed, or set ${binary.envVar}`;
}

/** The binary's path; throws the one-line reason when it is missing. */
export function requireBinary(binary) {
  const found = findBinary(binary);
  if (!found) throw new Error(missingMessage(binary));
  return found;
}
