/// <reference types="node" />
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, requireBinary } from '@agent-conversations/test-binaries';

/** A loopback HTTP server serving one page that exposes the store as `window.harness`. */
export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles test/harness/page.ts with esbuild and serves it on 127.0.0.1 at a free port. */
export async function startPageServer(): Promise<PageServer> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  const js = out.outputFiles[0]!.text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>store-browser harness</title><script type="module" src="/page.js"></script>';
  const server = createServer((req, res) => {
    const isScript = req.url === '/page.js';
    res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    res.end(isScript ? js : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Headless Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium or another usual path) that resolves no outside host. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: requireBinary(CHROMIUM),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A new tab of the context on the harness page, once `window.harness` is ready. */
export async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'harness' in window);
  return page;
}
