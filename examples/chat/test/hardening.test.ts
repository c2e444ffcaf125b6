import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { expect, test } from 'vitest';
import { openVisitor, sendMessage, signIn } from './support/browser.js';
import { useDemo } from './support/server.js';

const SECRET = 'hardening-test-secret-0123456789abcdef';
const demo = useDemo({ CHAT_DEMO_SESSION_SECRET: SECRET });

/** A hand-made request with any Host, Origin and cookie, as a script outside the browser sends it. */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(demo.server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { host: url.host, ...headers }, setHost: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes on the socket: a Host header no HTTP client library would send. */
function raw(text: string): Promise<string> {
  const url = new URL(demo.server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const cookie = (user: string, expiry: number, secret = SECRET): string => {
  const signature = createHmac('sha256', secret).update(`${user}.${expiry}`).digest('base64url');
  return `chat_demo_session=${user}.${expiry}.${signature}`;
};
const userOf = async (headers: Record<string, string>): Promise<unknown> =>
  (JSON.parse((await send('GET', '/api/session', headers)).body) as { user: unknown }).user;

test('every response carries CSP, X-Frame-Options and nosniff; the session cookie is HttpOnly, SameSite and expires', async () => {
  for (const path of ['/', '/app.js', '/styles.css', '/api/session', '/no-such-page']) {
    const { headers } = await send('GET', path);
    expect(headers['content-security-policy'], path).toContain("script-src 'self'");
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options'], path).toBe('DENY');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
  }
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'dave');
  const [session] = (await page.context().cookies()).filter((c) => c.name === 'chat_demo_session');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  expect(session!.expires * 1000 - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
  expect(session!.expires * 1000 - Date.now()).toBeLessThan(7.1 * 24 * 3600 * 1000);
  await page.context().close();
});

test('a signed cookie is the session: forged, tampered and expired ones are nobody', async () => {
  const future = Math.floor(Date.now() / 1000) + 3600;
  expect(await userOf({ cookie: cookie('eve', future) })).toBe('eve');
  expect(await userOf({ cookie: cookie('eve', future, 'another-secret-of-at-least-32-chars!') })).toBeNull();
  expect(await userOf({ cookie: cookie('eve', future).replace('eve.', 'bob.') })).toBeNull();
  expect(await userOf({ cookie: cookie('eve', Math.floor(Date.now() / 1000) - 1) })).toBeNull();
  expect(await userOf({ cookie: 'chat_demo_session=eve' })).toBeNull();
});

test('a foreign Host (DNS rebinding), a malformed Host and a bad path get a 400, with no stack trace in the log', async () => {
  const port = new URL(demo.server.url).port;
  const signedIn = { cookie: cookie('vic', Math.floor(Date.now() / 1000) + 3600) };
  const rebound = await send('GET', '/api/conversations', { ...signedIn, host: `attacker.example:${port}` });
  expect(rebound.status).toBe(400);
  expect(rebound.body).toContain('this server answers for');
  expect(rebound.body).not.toContain('"items"');
  expect((await send('GET', '/', { host: 'attacker.example' })).status).toBe(400);
  expect((await send('GET', '/api/conversations', signedIn)).status).toBe(200);

  const badPath = await send('GET', '/api/conversations/%ZZ', signedIn);
  expect(badPath.status).toBe(400);
  expect(JSON.parse(badPath.body)).toEqual({
    error: { code: 'VALIDATION', message: 'the path is not valid percent-encoding' },
  });
  expect((await send('GET', '/%E0%A4%A', signedIn)).status).toBe(400);

  for (const host of ['[zz', 'a b', '127.0.0.1:99x', 'exa_mple..com:1:2', '']) {
    expect(await raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`), host).toMatch(/^HTTP\/1\.1 400 /);
  }
  expect(demo.server.output()).not.toMatch(/\n\s+at /);
  expect(demo.server.output()).not.toContain('URIError');
});

test('state-changing requests from another site are refused: a cross-site form cannot sign the visitor out', async () => {
  const page = await openVisitor(demo.browser, demo.server.url);
  await signIn(page, 'victor');
  await sendMessage(page, 'Keep me signed in');
  // An attacker's page (served by the test) auto-submits a form to the demo's sign-out.
  await page.route('http://attacker.test/**', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form id="f" method="post" action="${demo.server.url}/api/sign-out"></form><script>document.getElementById('f').submit()</script>`,
    }),
  );
  const refused = page.waitForResponse((response) => response.url().endsWith('/api/sign-out'));
  await page.goto('http://attacker.test/prize');
  expect((await refused).status()).toBe(403);
  await page.goto(demo.server.url);
  await page.locator('#user-label', { hasText: 'victor' }).waitFor();

  // By hand: another Origin, or a browser's cross-site fetch metadata, is refused; the page's own origin is not.
  expect((await send('POST', '/api/sign-out', { origin: 'http://attacker.test' })).status).toBe(403);
  expect(
    (
      await send('DELETE', '/api/conversations', {
        origin: 'null',
        cookie: cookie('victor', Math.floor(Date.now() / 1000) + 60),
      })
    ).status,
  ).toBe(403);
  expect((await send('POST', '/api/sign-out', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  expect((await send('POST', '/api/sign-out', { origin: demo.server.url })).status).toBe(200);
  const left = await page.evaluate(
    async () => (await (await fetch('/api/conversations')).json()) as { items: unknown[] },
  );
  expect(left.items).toHaveLength(1);
  await page.context().close();
});

test('a session that expires while the page is open: the next message is refused with what to do, and nothing is stored', async () => {
  const context = await demo.browser.newContext({ viewport: { width: 1200, height: 760 } });
  // Far enough ahead that a slow page load still sees the session; then wait until it has expired.
  const expires = Math.floor(Date.now() / 1000) + 20;
  const [name, value] = cookie('ursula', expires).split('=') as [string, string];
  await context.addCookies([{ name, value, url: demo.server.url }]);
  const page = await context.newPage();
  await page.goto(demo.server.url);
  await page.locator('#user-label', { hasText: 'ursula' }).waitFor();
  await page.waitForTimeout(Math.max(0, expires * 1000 - Date.now() + 1000));
  await page.fill('#prompt', 'Still there?');
  await page.click('#send');
  await page.locator('#chat-error', { hasText: 'UNAUTHORIZED: you are no longer signed in' }).waitFor();
  expect(await page.locator('#retry').isVisible()).toBe(true);
  expect(await userOf({ cookie: `${name}=${value}` })).toBeNull();
  await context.close();
});
