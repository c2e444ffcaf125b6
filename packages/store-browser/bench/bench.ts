/// <reference types="node" />
// Bytes written to localStorage per appended message, in real Chromium: vs. the number of conversations and vs. conversation length.
import { launchChromium, openPage, startPageServer } from '../test/harness/chromium.js';

interface Result {
  conversations: number;
  length: number;
  charsPerAppend: number;
  msPerAppend: number;
}

const APPENDS = 20;
const server = await startPageServer();
const browser = await launchChromium();
try {
  const page = await openPage(await browser.newContext(), server.url);
  const measure = async (conversations: number, length: number): Promise<Result> => ({
    conversations,
    length,
    ...(await page.evaluate(([c, l, n]) => window.harness.measureAppends(c, l, n), [
      conversations,
      length,
      APPENDS,
    ] as const)),
  });

  const few = await measure(1, 10);
  const many = await measure(100, 10);
  const long = await measure(1, 1000);
  const fmt = (r: Result): string =>
    `${String(r.conversations).padStart(4)} conversations x ${String(r.length).padStart(4)} messages: ${Math.round(r.charsPerAppend).toLocaleString('en-US').padStart(9)} chars written per appended message (${r.msPerAppend.toFixed(2)} ms)`;
  console.log([few, many, long].map(fmt).join('\n'));
  console.log(
    `ratio, conversation count 100 vs 1:     ${(many.charsPerAppend / few.charsPerAppend).toFixed(2)} (goal ~1)`,
  );
  console.log(
    `ratio, conversation length 1,000 vs 10: ${(long.charsPerAppend / few.charsPerAppend).toFixed(2)} (localStorage rewrites a conversation's value whole)`,
  );

  // The AI SDK save of a turn: upsert of the whole list (onFinish) vs append of the 2 new messages, interleaved in one page.
  let failed = false;
  for (const length of [10, 1000]) {
    await page.evaluate(([l]) => window.harness.measureSaves(l, 2, 5), [length] as const); // warm-up
    const { msPerUpsert, msPerAppend } = await page.evaluate(([l]) => window.harness.measureSaves(l, 40, 3), [
      length,
    ] as const);
    const ratio = msPerUpsert / msPerAppend;
    failed ||= ratio > 1.5;
    console.log(
      `save of 2 msgs to ${length.toLocaleString('en-US').padStart(5)}: upsert of all ${msPerUpsert.toFixed(2)} ms, append of the 2 ${msPerAppend.toFixed(2)} ms (medians), ratio ${ratio.toFixed(2)} (≤ 1.5 ${ratio <= 1.5 ? 'ok' : 'MISSED'})`,
    );
  }

  // Message windows: the newest 50 of 10,000 vs all of 50. Not a goal here (localStorage hands over a conversation's value whole,
  // so reading it grows with the conversation; only the window's messages are parsed); printed for comparison with the servers.
  await page.evaluate(() => window.harness.measureWindows(10_000, 4)); // warm-up
  const { msPerWindow, msPerGet } = await page.evaluate(() => window.harness.measureWindows(10_000, 40));
  console.log(
    `window, newest 50 of 10,000: ${msPerWindow.toFixed(2)} ms; get of all of 50: ${msPerGet.toFixed(2)} ms; ratio ${(msPerWindow / msPerGet).toFixed(2)} (not a goal for localStorage)`,
  );
  if (failed) process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
