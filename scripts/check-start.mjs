#!/usr/bin/env node
// The README's main job, checked without a person: `npm start` (build, then the chat demo) on a free port; passes when
// the page and the session API answer, then stops the server. Used by .ci/run on the fresh machine.
import { spawn } from 'node:child_process';

const TIMEOUT_MS = 5 * 60_000; // the first start builds every package

const child = spawn('npm', ['start'], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let output = '';
const stop = () => {
  if (child.exitCode === null) process.kill(-child.pid, 'SIGTERM'); // npm, tsx and the server: the whole group
};

async function check(url) {
  const page = await fetch(url);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('<html'))
    throw new Error(`GET ${url} answered ${page.status}: ${html.slice(0, 200)}`);
  const session = await fetch(new URL('api/session', url));
  if (session.status !== 200) throw new Error(`GET ${url}api/session answered ${session.status}`);
  return (await session.json()).store?.kind;
}

const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(
    () => reject(new Error(`npm start printed no "Open http://..." line within ${TIMEOUT_MS / 1000} s`)),
    TIMEOUT_MS,
  );
  const onData = (chunk) => {
    output += chunk;
    const match = /Open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before listening`)));
}).catch((error) => {
  stop();
  console.error(`${output}\ncheck-start: ${error.message}`);
  process.exit(1);
});

try {
  const kind = await check(url);
  const chosen = /Chat demo on .*/.exec(output)?.[0] ?? '';
  console.log(
    `check-start: npm start served ${url} and ${url}api/session (a signed-out visitor's store: ${kind}); ${chosen}`,
  );
} catch (error) {
  console.error(`${output}\ncheck-start: ${error.message}`);
  process.exitCode = 1;
} finally {
  stop();
}
