import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM, findBinary, missingMessage, requireBinary, searchPaths, type TestBinary } from '../src/index.js';

let dir: string;
let present: string;
const absent = () => join(dir, 'absent');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'test-binaries-'));
  present = join(dir, 'chromium');
  await writeFile(present, '');
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('finding a binary', () => {
  it('takes the env variable first, over every usual path', () => {
    vi.stubEnv('CHROMIUM_PATH', present);
    expect(findBinary(CHROMIUM)).toBe(present);
  });

  it('never falls back to another path when the env variable points at nothing, and says which variable', () => {
    vi.stubEnv('CHROMIUM_PATH', absent());
    expect(findBinary(CHROMIUM)).toBeNull();
    expect(() => requireBinary(CHROMIUM)).toThrow(`Chromium not found at CHROMIUM_PATH=${absent()}`);
  });

  it('then the usual paths in order, then the computed ones', () => {
    const binary: TestBinary = {
      name: 'tool',
      envVar: 'TEST_BINARIES_TOOL',
      paths: [absent(), present],
      morePaths: () => [join(dir, 'late')],
      debianPackage: 'tool',
    };
    expect(searchPaths(binary)).toEqual([absent(), present, join(dir, 'late')]);
    expect(findBinary(binary)).toBe(present);
    expect(findBinary({ ...binary, paths: [absent()], morePaths: () => [present] })).toBe(present);
  });

  it("looks for Chromium in playwright's browser cache after the system paths, where playwright-core puts it", () => {
    const { chromium } = createRequire(import.meta.url)('playwright-core') as {
      chromium: { executablePath(): string };
    };
    expect(searchPaths(CHROMIUM).at(-1)).toBe(chromium.executablePath());
    expect(CHROMIUM.paths.slice(0, 3)).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/snap/bin/chromium',
    ]);
  });

  it('says where it looked and what to install when nothing is found', () => {
    vi.stubEnv('CHROMIUM_PATH', '');
    const binary: TestBinary = { ...CHROMIUM, paths: [absent()], morePaths: () => [join(dir, 'cache', 'chrome')] };
    const message = missingMessage(binary);
    expect(message).toContain(`CHROMIUM_PATH is unset and none of ${absent()}, ${join(dir, 'cache', 'chrome')} exists`);
    expect(message).toContain('sudo apt-get install -y chromium');
    expect(message).toContain('npx playwright-core install chromium');
    expect(() => requireBinary(binary)).toThrow(message);
  });
});
