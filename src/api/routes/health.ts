/**
 * `GET /v1/health`: whether the process is up and where its storage comes
 * from, so an operator sees at a glance that a deployment runs on the
 * in-process Redis stand-in rather than a real server, or on a Redis that
 * would lose accepted work on a restart.
 */
import { Router } from 'express';
import type { DatabaseKind } from '../../infra/database-provider.ts';
import type { RedisPersistenceReport } from '../../infra/redis-persistence-check.ts';
import type { RedisKind } from '../../infra/redis-provider.ts';

export interface HealthSources {
  /** Where the database comes from. */
  database: DatabaseKind;
  /** Where Redis comes from. */
  redis: RedisKind;
  /** The Redis persistence check's last outcome (see REDIS_PERSISTENCE_CHECK). Default: not reported. */
  redisPersistence?: () => RedisPersistenceReport;
}

/** The body of a healthy answer. */
export interface HealthBody extends Omit<HealthSources, 'redisPersistence'> {
  status: 'ok';
  /** Present when the process checks it; `unsafe` or `unknown` still answers 200: the process serves, at a risk. */
  redisPersistence?: RedisPersistenceReport;
  /** Whole seconds since the process started. */
  uptimeSeconds: number;
}

export function healthRouter(sources: HealthSources): Router {
  const router = Router();
  router.get('/v1/health', (_req, res) => {
    const body: HealthBody = {
      status: 'ok', database: sources.database, redis: sources.redis,
      ...(sources.redisPersistence ? { redisPersistence: sources.redisPersistence() } : {}),
      uptimeSeconds: Math.floor(process.uptime()),
    };
    res.json(body);
  });
  return router;
}
