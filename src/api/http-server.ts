/**
 * Starts and stops the HTTP server around the Express app, turning listen
 * errors (port in use) into a rejected promise instead of an unhandled event.
 */
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServer {
  server: Server;
  /** `http://host:port/` it listens on (the real port when 0 was asked for). */
  url: string;
  /** Stops accepting connections, closes idle keep-alive ones, ends event streams and waits for requests in flight. */
  close(): Promise<void>;
}

const LONG_LIVED = Symbol('long-lived response');

/**
 * Marks a response that never ends by itself (a server-sent event stream):
 * closing the server ends it, where it would otherwise wait for it forever.
 */
export function markLongLived(res: ServerResponse): void {
  (res as ServerResponse & { [LONG_LIVED]?: true })[LONG_LIVED] = true;
}

export async function startHttpServer(app: RequestListener, host: string, port: number): Promise<HttpServer> {
  const server = createServer(app);
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}/`,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
      for (const res of inFlight) if ((res as ServerResponse & { [LONG_LIVED]?: true })[LONG_LIVED]) res.end();
    }),
  };
}
