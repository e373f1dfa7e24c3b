/**
 * Decides which Redis Switchboard talks to: REDIS_URL if set; else a
 * redis-server from PATH that we run ourselves; else an in-process stand-in,
 * which works but forgets queued work when the process ends.
 */
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config.ts';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { startEmbeddedRedis } from './embedded-redis.ts';
import { logOutages } from './outage-log.ts';
import { findOnPath } from './process-tools.ts';
import { RedisPersistenceCheck, type RedisPersistenceReport } from './redis-persistence-check.ts';

/** Where the Redis connection comes from. */
export type RedisKind = 'external' | 'embedded' | 'stand-in';

export interface RedisHandle {
  /** Client whose every key is prefixed with REDIS_KEY_PREFIX. */
  redis: Redis;
  /** URL of the server; null for the stand-in. May hold a password: redact before logging. */
  url: string | null;
  kind: RedisKind;
  /** Whether the server keeps what is written to it, as last checked (at start and after each reconnect). */
  persistence(): RedisPersistenceReport;
  /** Closes the client, then stops the embedded server if we started one. */
  stop(): Promise<void>;
}

export interface RedisProviderOptions {
  config: Pick<Config, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'DATA_DIR' | 'EMBEDDED_REDIS_PORT' | 'REDIS_PERSISTENCE_CHECK'>;
  logger: Logger;
  /** PATH searched for redis-server. Default `process.env.PATH`. */
  searchPath?: string;
  /**
   * A command unanswered this long fails (ioredis' `commandTimeout`), and one
   * issued while disconnected fails after one reconnect attempt, instead of
   * waiting for Redis: for processes that answer people (the API, the bots),
   * which should say 503 rather than hang while Redis is frozen or gone.
   * `REDIS_COMMAND_TIMEOUT_MS`. Default: none, commands wait (the
   * supervisor's accepted work relies on its writes completing).
   */
  commandTimeoutMs?: number;
}

/** The warning logged when falling back to the stand-in; tests match on it. */
export const STAND_IN_WARNING = 'Redis stand-in: queued work is NOT durable across restarts; set REDIS_URL or install redis-server';

interface Connected {
  redis: Redis;
  check: RedisPersistenceCheck;
}

/** The options of every client Switchboard opens; see {@link RedisProviderOptions.commandTimeoutMs}. */
export function redisClientOptions(keyPrefix: string, commandTimeoutMs?: number): RedisOptions {
  return {
    keyPrefix, lazyConnect: true, connectTimeout: 5_000,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs, maxRetriesPerRequest: 1 }),
  };
}

async function connect(url: string, keyPrefix: string, what: string, options: RedisProviderOptions): Promise<Connected> {
  const { logger } = options;
  const redis = new Redis(url, redisClientOptions(keyPrefix, options.commandTimeoutMs));
  // ioredis reconnects by itself (at most every 2 s); without a listener each failure would crash us.
  logOutages(redis, { logger, what });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new DependencyUnavailableError({ dependency: what, reason: (error as Error).message }, { cause: error });
  }
  const check = new RedisPersistenceCheck(redis, { mode: options.config.REDIS_PERSISTENCE_CHECK, logger, what });
  try {
    await check.start();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return { redis, check };
}

/** Opens the Redis connection Switchboard will use, starting a server if that is the way. */
export async function provideRedis(options: RedisProviderOptions): Promise<RedisHandle> {
  const { config, logger } = options;
  const keyPrefix = config.REDIS_KEY_PREFIX;

  if (config.REDIS_URL !== undefined) {
    const { redis, check } = await connect(config.REDIS_URL, keyPrefix, 'Redis at REDIS_URL', options);
    return {
      redis, url: config.REDIS_URL, kind: 'external', persistence: () => check.report(),
      stop: async () => {
        check.stop();
        await quit(redis);
      },
    };
  }

  const executable = await findOnPath('redis-server', options.searchPath ?? process.env.PATH);
  if (executable !== null) {
    const server = await startEmbeddedRedis({ executable, root: join(config.DATA_DIR, 'redis'), port: config.EMBEDDED_REDIS_PORT, logger });
    try {
      const { redis, check } = await connect(server.url, keyPrefix, 'embedded redis-server', options);
      return {
        redis,
        url: server.url,
        kind: 'embedded',
        persistence: () => check.report(),
        stop: async () => {
          check.stop();
          await quit(redis);
          await server.stop();
        },
      };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  logger.warn(STAND_IN_WARNING);
  // Loaded only here: the stand-in is the last resort, not a normal dependency.
  const { default: RedisMock } = await import('ioredis-mock');
  const redis = new RedisMock({ keyPrefix });
  const persistence: RedisPersistenceReport = { status: 'unsafe', problems: [STAND_IN_WARNING] };
  return { redis, url: null, kind: 'stand-in', persistence: () => persistence, stop: async () => { redis.disconnect(); } };
}

/** QUIT lets replies to commands already sent arrive; if the server is gone it would wait, so cut it short. */
async function quit(redis: Redis, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolvePromise) => { timer = setTimeout(resolvePromise, timeoutMs); });
  try {
    await Promise.race([redis.quit(), timedOut]);
  } catch {
    // Already closed or broken: disconnect below is all that is left to do.
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
