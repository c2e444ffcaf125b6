import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const MAX_BODY = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// A Host is a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const HOST = /^(?:[a-z0-9](?:[a-z0-9.-]{0,252})|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/** The request's URL, or null for a malformed Host or path (answered with 400 rather than a thrown error). */
function requestUrl(req: IncomingMessage): string | null {
  const host = req.headers.host ?? '';
  const path = req.url ?? '/';
  if (!HOST.test(host) || !path.startsWith('/')) return null;
  try {
    return new URL(`http://${host}${path}`).href;
  } catch {
    return null;
  }
}

function toRequest(req: IncomingMessage, url: string, body: Buffer | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(url, { method: req.method, headers, body: body && Uint8Array.from(body), signal });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.once(
    'close',
    () =>
      void reader.cancel().catch((error: unknown) => console.error('chat demo: cancelling a response failed', error)),
  );
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
  }
  res.end();
}

/** Serves a fetch handler (`Request` → `Response`, streamed) on node:http. */
export function toNodeListener(handler: (request: Request) => Promise<Response>): RequestListener {
  return (req, res) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const serve = async (): Promise<void> => {
      const url = requestUrl(req);
      if (url === null) {
        res
          .writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
          .end('bad request: malformed Host header or path');
        return;
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readBody(req) : undefined;
      if (body === null) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
        return;
      }
      await writeResponse(await handler(toRequest(req, url, body, controller.signal)), res);
    };
    serve().catch((error: unknown) => {
      console.error('chat demo: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  };
}
