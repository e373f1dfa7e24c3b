/**
 * `GET /v1/health`: whether the process is up and where its storage comes
 * from, so an operator sees at a glance that a deployment runs on the
 * in-process Redis stand-in rather than a real server.
 */
import { Router } from 'express';
import type { DatabaseKind } from '../../infra/database-provider.ts';
import type { RedisKind } from '../../infra/redis-provider.ts';

export interface HealthSources {
  /** Where the database comes from. */
  database: DatabaseKind;
  /** Where Redis comes from. */
  redis: RedisKind;
}

/** The body of a healthy answer. */
export interface HealthBody extends HealthSources {
  status: 'ok';
  /** Whole seconds since the process started. */
  uptimeSeconds: number;
}

export function healthRouter(sources: HealthSources): Router {
  const router = Router();
  router.get('/v1/health', (_req, res) => {
    const body: HealthBody = { status: 'ok', ...sources, uptimeSeconds: Math.floor(process.uptime()) };
    res.json(body);
  });
  return router;
}
