/**
 * The CLI's Redis connection. Unlike the service's, it fails fast instead of
 * retrying: a person is waiting, and "cannot reach Redis" is the answer.
 */
import { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { redactUrl } from '../infra/redact-url.ts';

export interface RedisTarget {
  url: string;
  keyPrefix: string;
  /** REDIS_URL was unset, so `url` is where `npm start` runs its embedded redis-server. */
  defaulted: boolean;
  /** The target for messages: redacted URL, key prefix, and where the URL came from. */
  description: string;
}

/** Where the CLI looks: REDIS_URL, else the embedded redis-server `npm start` runs on EMBEDDED_REDIS_PORT. */
export function redisTarget(config: Pick<Config, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'EMBEDDED_REDIS_PORT'>): RedisTarget {
  const defaulted = config.REDIS_URL === undefined;
  const url = config.REDIS_URL ?? `redis://127.0.0.1:${config.EMBEDDED_REDIS_PORT}`;
  const origin = defaulted
    ? '; REDIS_URL is unset, so this is the embedded redis-server that npm start runs'
    : '';
  return {
    url,
    keyPrefix: config.REDIS_KEY_PREFIX,
    defaulted,
    description: `${redactUrl(url)} (key prefix "${config.REDIS_KEY_PREFIX}"${origin})`,
  };
}

/** Connects, or throws `dependency_unavailable` naming the target. */
export async function connectAdminRedis(target: RedisTarget, connectTimeoutMs = 3_000): Promise<Redis> {
  const redis = new Redis(target.url, {
    keyPrefix: target.keyPrefix,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // With retries off, connect() rejects with a bare "Connection is closed."; the cause is in this event.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => { lastError = error; });
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new DependencyUnavailableError(
      { dependency: `Redis at ${target.description}`, reason: (lastError ?? (error as Error)).message || String(error) },
      { cause: error },
    );
  }
}
