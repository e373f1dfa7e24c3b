/**
 * Starts and stops the HTTP server around the Express app, turning listen
 * errors (port in use) into a rejected promise instead of an unhandled event.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpServer {
  server: Server;
  /** `http://host:port/` it listens on (the real port when 0 was asked for). */
  url: string;
  /** Stops accepting connections, closes idle keep-alive ones and waits for requests in flight. */
  close(): Promise<void>;
}

export async function startHttpServer(app: RequestListener, host: string, port: number): Promise<HttpServer> {
  const server = createServer(app);
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
    }),
  };
}
