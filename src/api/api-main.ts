/**
 * The HTTP API as pm2 runs it (cluster mode, one per core): connects to the
 * shared PostgreSQL and Redis (the supervisor process applies migrations) and
 * serves until SIGTERM. Needs DATABASE_URL and REDIS_URL.
 */
import { openDatabase } from '../db/open-database.ts';
import { awaitDependency } from '../infra/await-dependency.ts';
import { runProcess } from '../infra/process-entry.ts';
import { provideRedis } from '../infra/redis-provider.ts';
import { requireServerUrls } from '../infra/require-urls.ts';
import { componentLogger } from '../logging/logger.ts';
import { createApiContext } from './api-context.ts';
import { createApp } from './create-app.ts';
import { startApiJobs } from './jobs/api-jobs.ts';
import { startHttpServer } from './http-server.ts';
import { ApiRequestMetrics, apiMetricsPort } from './http/request-metrics.ts';
import { startMetricsEndpoint } from '../infra/metrics-endpoint.ts';

await runProcess('api', async (config, root, shutdown) => {
  const { databaseUrl } = requireServerUrls(config, 'api');
  const wait = { logger: componentLogger(root, 'infra'), limitMs: config.STARTUP_WAIT_MS, signal: shutdown.signal };
  const orm = await awaitDependency(() => openDatabase({ databaseUrl, schema: config.DATABASE_SCHEMA, logger: componentLogger(root, 'db') }), { ...wait, what: 'PostgreSQL' });
  shutdown.register('database pool', () => orm.close());
  const redis = await awaitDependency(
    () => provideRedis({ config, logger: componentLogger(root, 'infra'), commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS }),
    { ...wait, what: 'Redis' },
  );
  shutdown.register('Redis', redis.stop);
  if (shutdown.inProgress) return;
  const ctx = createApiContext({ orm, redis: redis.redis, config, logger: componentLogger(root, 'api') });
  shutdown.register('mailer', () => ctx.mailer.close());
  shutdown.register('Telegram login threads', () => ctx.telegramLogin.close());
  // Plan expiry and the usage flush: every API process ticks, one at a time runs them (a Redis lock).
  const jobs = startApiJobs(ctx);
  shutdown.register('API jobs', () => jobs.stop());
  const metrics = new ApiRequestMetrics(redis.persistence);
  const http = await startHttpServer(createApp({ health: { database: 'external', redis: 'external', redisPersistence: redis.persistence }, ctx, metrics }), config.API_HOST, config.API_PORT);
  shutdown.register('HTTP server', http.close);
  const metricsPort = apiMetricsPort(config.API_METRICS_PORT);
  if (metricsPort !== 0) {
    const endpoint = await startMetricsEndpoint(metrics.registry, { host: config.METRICS_HOST, port: metricsPort });
    shutdown.register('API metrics', endpoint.close);
  }
  root.info({ api: http.url }, 'api ready');
}, (config) => [
  { variable: 'API_PORT', host: config.API_HOST, port: config.API_PORT },
  { variable: 'API_METRICS_PORT', host: config.METRICS_HOST, port: apiMetricsPort(config.API_METRICS_PORT) },
]);
