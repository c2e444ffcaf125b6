import { connect } from 'node:net';
import { WebSocketServer } from 'ws';

/** A WebSocket-to-TCP relay like Neon's wsproxy: each WebSocket on `/v1?address=host:port` carries one raw Postgres connection. */
export interface WsRelay {
  port: number;
  close(): Promise<void>;
}

/** Starts a relay on a free loopback port. */
export async function startWsRelay(): Promise<WsRelay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket, request) => {
    const address = new URL(request.url ?? '/', 'http://relay').searchParams.get('address') ?? '';
    const [host, port] = address.split(':');
    const tcp = connect({ host, port: Number(port) });
    tcp.on('data', (data) => socket.send(data));
    tcp.on('close', () => socket.close());
    tcp.on('error', () => socket.terminate());
    socket.on('message', (data) => tcp.write(data as Buffer));
    socket.on('close', () => tcp.end());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of server.clients) client.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
