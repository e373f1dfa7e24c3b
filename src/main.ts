/**
 * The service entry point (`npm start`). Brings up storage (embedded servers
 * when no URLs are configured), the HTTP API, and an ordered shutdown for
 * SIGINT/SIGTERM. Every resource registers its shutdown step right after it
 * starts, so a failure or a signal half-way through releases what exists.
 */
import type { Logger } from 'pino';
import { createApp } from './api/create-app.ts';
import { startHttpServer } from './api/http-server.ts';
import { loadConfig, type Config } from './config/load-config.ts';
import { ConfigInvalidError } from './errors/registry.ts';
import { provideDatabase } from './infra/database-provider.ts';
import { redactUrl } from './infra/redact-url.ts';
import { provideRedis } from './infra/redis-provider.ts';
import { Shutdown } from './infra/shutdown.ts';
import { componentLogger, createLogger } from './logging/logger.ts';

/** sysexits.h EX_CONFIG: the configuration is wrong, so restarting will not help. */
const EXIT_CONFIG = 78;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigInvalidError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

/** Exits once the logger's transports have written what they hold, or after 2 s regardless. */
function exitAfterFlush(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), 2_000).unref();
  logger.flush(() => process.exit(code));
}

async function start(config: Config, root: Logger, shutdown: Shutdown): Promise<void> {
  const logger = componentLogger(root, 'infra');

  const database = await provideDatabase({ config, logger: componentLogger(root, 'db') });
  if (database.kind === 'embedded') shutdown.register('embedded PostgreSQL', database.stopServer);
  shutdown.register('database pool', database.closeOrm);
  if (shutdown.inProgress) return;

  const redis = await provideRedis({ config, logger });
  shutdown.register(`Redis (${redis.kind})`, redis.stop);
  if (shutdown.inProgress) return;

  // The supervisor and its worker cluster start here (later issue), registering
  // their shutdown step so workers drain before the API and storage go.

  const app = createApp({ health: { database: database.kind, redis: redis.kind } });
  const http = await startHttpServer(app, config.API_HOST, config.API_PORT);
  shutdown.register('HTTP server', http.close);

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

const config = readConfig();
const root = createLogger(config, 'switchboard');
const shutdown = new Shutdown({
  logger: componentLogger(root, 'infra'),
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  exit: (code) => exitAfterFlush(root, code),
});
shutdown.listen();

try {
  await start(config, root, shutdown);
} catch (error) {
  root.fatal({ err: error }, 'Startup failed');
  await shutdown.run('startup failed', 1);
}
