/**
 * The service entry point (`npm start`). Brings up storage (embedded servers
 * when no URLs are configured), the HTTP API, and an ordered shutdown for
 * SIGINT/SIGTERM. Every resource registers its shutdown step right after it
 * starts, so a failure or a signal half-way through releases what exists.
 */
import type { Logger } from 'pino';
import { startSupervisorRuntime } from '../supervisor/supervisor-runtime.ts';
import { createApiContext } from './api/api-context.ts';
import { createApp } from './api/create-app.ts';
import { startApiJobs } from './api/jobs/api-jobs.ts';
import { startHttpServer } from './api/http-server.ts';
import { ApiRequestMetrics } from './api/http/request-metrics.ts';
import { startMetricsEndpoint } from './infra/metrics-endpoint.ts';
import type { Config } from './config/load-config.ts';
import { awaitDependency } from './infra/await-dependency.ts';
import { provideDatabase } from './infra/database-provider.ts';
import { runProcess } from './infra/process-entry.ts';
import { redactUrl } from './infra/redact-url.ts';
import { provideRedis } from './infra/redis-provider.ts';
import type { Shutdown } from './infra/shutdown.ts';
import { componentLogger } from './logging/logger.ts';

async function start(config: Config, root: Logger, shutdown: Shutdown): Promise<void> {
  const logger = componentLogger(root, 'infra');

  const wait = { logger, limitMs: config.STARTUP_WAIT_MS, signal: shutdown.signal };
  const database = await awaitDependency(() => provideDatabase({ config, logger: componentLogger(root, 'db') }), { ...wait, what: 'PostgreSQL' });
  if (database.kind === 'embedded') shutdown.register('embedded PostgreSQL', database.stopServer);
  shutdown.register('database pool', database.closeOrm);
  if (shutdown.inProgress) return;

  const redis = await awaitDependency(() => provideRedis({ config, logger }), { ...wait, what: 'Redis' });
  shutdown.register(`Redis (${redis.kind})`, redis.stop);
  if (shutdown.inProgress) return;

  const ctx = createApiContext({ orm: database.orm, redis: redis.redis, config, logger: componentLogger(root, 'api') });
  shutdown.register('mailer', () => ctx.mailer.close());
  shutdown.register('Telegram login threads', () => ctx.telegramLogin.close());
  const jobs = startApiJobs(ctx);
  shutdown.register('API jobs', () => jobs.stop());

  // Workers need a Redis they can reach from their own processes (leases are
  // cluster-wide), so the in-process stand-in runs the API alone.
  if (redis.url === null) {
    logger.warn('No Redis server: the supervisor and its session actors are not started; set REDIS_URL or install redis-server');
  } else {
    const runtime = await startSupervisorRuntime({
      config,
      redis: redis.redis,
      redisUrl: redis.url,
      redisPersistence: redis.persistence,
      logger: componentLogger(root, 'supervisor'),
      onEscalate: () => void shutdown.run('supervisor escalated', 1),
      forwarding: { orm: database.orm, schema: config.DATABASE_SCHEMA, keyring: ctx.keyring },
    });
    // Registered after storage, so it runs before it: workers drain first.
    shutdown.register('supervisor', runtime.stop);
    if (shutdown.inProgress) return;
  }

  const metrics = new ApiRequestMetrics(redis.persistence);
  const app = createApp({ health: { database: database.kind, redis: redis.kind, redisPersistence: redis.persistence }, ctx, metrics });
  const http = await startHttpServer(app, config.API_HOST, config.API_PORT);
  shutdown.register('HTTP server', http.close);
  if (config.API_METRICS_PORT !== 0) {
    const endpoint = await startMetricsEndpoint(metrics.registry, { host: config.METRICS_HOST, port: config.API_METRICS_PORT });
    shutdown.register('API metrics', endpoint.close);
  }

  logger.info({
    api: http.url,
    database: redactUrl(database.url),
    databaseKind: database.kind,
    schema: config.DATABASE_SCHEMA,
    redis: redactUrl(redis.url),
    redisKind: redis.kind,
    startupMs: Math.round(performance.now()),
  }, 'switchboard ready');
}

await runProcess('switchboard', start, (config) => [
  { variable: 'API_PORT', host: config.API_HOST, port: config.API_PORT },
  { variable: 'METRICS_PORT', host: config.METRICS_HOST, port: config.METRICS_PORT },
  { variable: 'API_METRICS_PORT', host: config.METRICS_HOST, port: config.API_METRICS_PORT },
]);
