/**
 * A process' Prometheus endpoint: `GET /metrics` from a prom-client registry,
 * and, where the process has one, `GET /health`; everything else 404. Its own
 * small server on its own port (loopback by default), apart from the API:
 * metrics are for the operator's scraper, not for users.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsEndpointOptions {
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Answers `GET /health`; without it that path is 404. */
  health?: () => { status: number; body: unknown };
}

export interface MetricsEndpoint {
  server: Server;
  /** `http://host:port/metrics`. */
  url: string;
  /** `http://host:port/health`. */
  healthUrl: string;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(registry: Registry, options: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const served = options.health === undefined ? 'GET /metrics' : 'GET /metrics and GET /health';
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health' && options.health !== undefined) {
      const { status, body } = options.health();
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return;
    }
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: `Only ${served} are served here` } }));
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const base = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    server,
    url: `${base}/metrics`,
    healthUrl: `${base}/health`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
