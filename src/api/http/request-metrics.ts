/**
 * What an API process serves, for Prometheus: requests by method, route
 * template and status (`switchboard_api_requests_total`), their latency
 * (`switchboard_api_request_duration_seconds`) and the process' own figures.
 * The route is the template a router matched (`/v1/pairs/:id`), never the raw
 * path, so ids and probes for unknown paths cannot grow the label set.
 */
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { RedisPersistenceReport } from '../../infra/redis-persistence-check.ts';
import { redisPersistenceGauge } from '../../infra/redis-persistence-metric.ts';

/** Upper bounds, seconds: a cached read to an argon2 sign-in under load. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

export class ApiRequestMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'method' | 'route' | 'status'>;
  readonly #duration: Histogram<'method' | 'route'>;

  /** @param redisPersistence the Redis persistence check's last outcome, served as `switchboard_redis_persistence`. Default: not served. */
  constructor(redisPersistence?: () => RedisPersistenceReport) {
    collectDefaultMetrics({ register: this.registry });
    if (redisPersistence) redisPersistenceGauge(this.registry, redisPersistence);
    this.#requests = new Counter({
      name: 'switchboard_api_requests_total', help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'], registers: [this.registry],
    });
    this.#duration = new Histogram({
      name: 'switchboard_api_request_duration_seconds', help: 'Time from a request\'s arrival to the end of its answer, by method and route template',
      labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers: [this.registry],
    });
  }

  /** Goes first in the app, so every answer (404s and errors included) is counted once it is sent. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req) };
      this.#requests.inc({ ...labels, status: String(res.statusCode) });
      this.#duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/**
 * Where this API process serves its metrics: API_METRICS_PORT, plus the
 * instance number under pm2's cluster mode (NODE_APP_INSTANCE), so each
 * instance has its own port and a scrape sees one process, not whichever
 * instance the cluster handed the connection to. 0: off.
 */
export function apiMetricsPort(basePort: number, env: NodeJS.ProcessEnv = process.env): number {
  if (basePort === 0) return 0;
  const instance = Number(env.NODE_APP_INSTANCE ?? 0);
  return basePort + (Number.isSafeInteger(instance) && instance > 0 ? instance : 0);
}
