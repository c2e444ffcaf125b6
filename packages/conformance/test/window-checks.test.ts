import { createMemoryStore, type ConversationStore } from '@agent-conversations/core';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, buildReport, runChecks } from '../src/index.js';
import { NO_WINDOW } from '../src/checks/window.js';
import * as broken from './broken-window-stores.js';

const windowChecks = ALL_CHECKS.filter((c) => c.concern === 'window');
const run = (createStore: () => ConversationStore) => runChecks({ name: 'window', createStore }, windowChecks);
const failedIds = async (createStore: () => ConversationStore): Promise<string[]> =>
  (await run(createStore)).filter((r) => r.status === 'failed').map((r) => r.id);

describe('the window checks prove themselves', () => {
  it('cover newest N, writes, paging, empty and missing, appends between pages, other users and bad options', () => {
    expect(windowChecks.map((c) => c.id)).toEqual([
      'window.newest',
      'window.after-writes',
      'window.paging',
      'window.empty-and-missing',
      'window.appends-between-pages',
      'window.other-user',
      'window.bad-options',
    ]);
  });

  it('pass on the memory store', async () => {
    const results = await run(() => createMemoryStore());
    expect(results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  });

  it('skip every one, visibly and with the reason, on a store without window; strict then fails', async () => {
    const { window: _gone, ...rest } = createMemoryStore();
    const results = await run(() => ({ ...rest }));
    expect(results.map((r) => [r.id, r.status, r.reason])).toEqual(
      windowChecks.map((c) => [c.id, 'skipped', NO_WINDOW]),
    );
    const report = buildReport('no window', results, true);
    expect(report.ok).toBe(false);
    expect(report.counts).toMatchObject({ skipped: windowChecks.length, passed: 0 });
  });

  it('fail a cursor that counts from the newest message (appends between pages shift it)', async () => {
    expect(await failedIds(broken.windowCountsFromNewest)).toEqual(['window.appends-between-pages']);
  });

  it('fail a window that ignores the user', async () => {
    expect(await failedIds(broken.windowLeaksAcrossUsers)).toContain('window.other-user');
  });

  it('fail a window that gives a cursor after an exact multiple (an empty last window)', async () => {
    expect(await failedIds(broken.windowEndsWithEmptyPage)).toContain('window.paging');
  });

  it('fail a window that is newest first', async () => {
    expect(await failedIds(broken.windowNewestFirst)).toContain('window.newest');
  });

  it('fail a window that clamps a bad limit instead of refusing it', async () => {
    expect(await failedIds(broken.windowClampsLimit)).toEqual(['window.bad-options']);
  });

  it('fail a window that keeps serving the messages it saw first', async () => {
    const failed = await failedIds(broken.windowCachesMessages);
    expect(failed).toContain('window.after-writes');
    expect(failed).toContain('window.appends-between-pages');
  });
});
