/**
 * "This host is full": placement has queued a session because every worker is
 * full and no other may be forked. Operators hear it three ways: a cluster
 * event in Redis, a warn log line, and an optional webhook (fire and forget,
 * bounded by a timeout, so a slow receiver never stalls placement).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { keys } from '../src/cluster/redis-keys.ts';
import { EVENTS_MAXLEN } from './event-buffer.ts';

export interface ScaleOutRequest {
  supervisorId: string;
  sessionId: string;
  userId: string;
  cause: string;
  workers: number;
  queued: number;
}

export async function publishClusterEvent(redis: Redis, type: string, body: object): Promise<void> {
  await redis.xadd(keys.events(), 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'type', type, 'body', JSON.stringify(body));
}

export async function requestScaleOut(redis: Redis, logger: Logger, webhookUrl: string | null, request: ScaleOutRequest): Promise<void> {
  logger.warn(request, 'scale-out requested');
  await publishClusterEvent(redis, 'scale-out-requested', request).catch((err: unknown) => logger.error({ err }, 'could not publish scale-out event'));
  if (webhookUrl === null) return;
  fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'scale-out-requested', ...request }),
    signal: AbortSignal.timeout(5_000),
  }).catch((err: unknown) => logger.warn({ err, webhookUrl }, 'scale-out webhook failed'));
}
