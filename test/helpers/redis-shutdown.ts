/**
 * A private redis-server stopped as an operator (or a managed service's
 * maintenance) would: SHUTDOWN, which writes the append-only file out
 * before the server exits, whatever its fsync setting.
 */
import { Redis } from 'ioredis';
import type { EmbeddedRedis } from '../../src/infra/embedded-redis.ts';

/** SHUTDOWN, and until the process has exited. */
export async function shutdownRedis(server: EmbeddedRedis): Promise<void> {
  const admin = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null });
  admin.on('error', () => {});
  await admin.connect();
  // It answers nothing: the connection just closes.
  await admin.shutdown().catch(() => {});
  admin.disconnect();
  await server.stop(5_000);
}
