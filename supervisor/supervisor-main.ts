/**
 * The supervisor process as pm2 runs it (fork mode, one per host): applies
 * migrations, then runs the supervisor until SIGTERM. Needs DATABASE_URL and
 * REDIS_URL. Restart intensity exceeded -> exit 1, and pm2 restarts it.
 */
import { runProcess } from '../src/infra/process-entry.ts';
import { awaitDependency } from '../src/infra/await-dependency.ts';
import { provideDatabase } from '../src/infra/database-provider.ts';
import { provideRedis } from '../src/infra/redis-provider.ts';
import { requireServerUrls } from '../src/infra/require-urls.ts';
import { keyringFromConfig } from '../src/crypto/keyring.ts';
import { componentLogger } from '../src/logging/logger.ts';
import { startSupervisorRuntime } from './supervisor-runtime.ts';

await runProcess('supervisor', async (config, root, shutdown) => {
  const { redisUrl } = requireServerUrls(config, 'supervisor');
  const wait = { logger: componentLogger(root, 'infra'), limitMs: config.STARTUP_WAIT_MS, signal: shutdown.signal };
  const database = await awaitDependency(() => provideDatabase({ config, logger: componentLogger(root, 'db') }), { ...wait, what: 'PostgreSQL' });
  shutdown.register('database pool', database.closeOrm);
  const redis = await awaitDependency(() => provideRedis({ config, logger: componentLogger(root, 'infra') }), { ...wait, what: 'Redis' });
  shutdown.register('Redis', redis.stop);
  if (shutdown.inProgress) return;
  const runtime = await startSupervisorRuntime({
    config,
    redis: redis.redis,
    redisUrl,
    redisPersistence: redis.persistence,
    logger: componentLogger(root, 'supervisor'),
    onEscalate: () => void shutdown.run('supervisor escalated', 1),
    forwarding: { orm: database.orm, schema: config.DATABASE_SCHEMA, keyring: keyringFromConfig(config, componentLogger(root, 'supervisor')) },
  });
  shutdown.register('supervisor', runtime.stop);
  root.info({ supervisorId: runtime.supervisor.id }, 'supervisor ready');
}, (config) => [{ variable: 'METRICS_PORT', host: config.METRICS_HOST, port: config.METRICS_PORT }]);
