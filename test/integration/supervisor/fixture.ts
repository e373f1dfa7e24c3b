/**
 * Real supervisors for the tests: real worker processes, real Redis (this
 * run's prefix plus a suite suffix), loopback actors.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { ActorSpec } from '../../../src/runtime-contracts/actor-contract.ts';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { Supervisor } from '../../../supervisor/supervisor.ts';
import type { SupervisorOptions } from '../../../supervisor/supervisor-options.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export function suitePrefix(suite: string): string {
  return `${TEST_REDIS_PREFIX}${suite}:${randomUUID().slice(0, 8)}:`;
}

export function redisFor(prefix: string): Redis {
  return new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
}

/** Test-speed defaults: short leases and loops, quick shutdown. */
export function makeSupervisor(redis: Redis, prefix: string, options: SupervisorOptions = {}): Supervisor {
  return new Supervisor({
    redis,
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix: prefix,
    logger,
    options: {
      workers: 2,
      threadsPerWorker: 2,
      threadMaxOldGenerationMb: 256,
      leaseTtlMs: 3_000,
      statusIntervalMs: 500,
      pressureIntervalMs: 200,
      workerShutdownTimeoutMs: 5_000,
      ...options,
      pressure: { minDwellMs: 0, idleAfterMs: 3_600_000, ...options.pressure },
    },
  });
}

export function loopbackSpec(n: number, tier: Tier, userId = `user-${n}`): ActorSpec {
  return { actorId: `session-${n}`, userId, platform: 'loopback', tier, credential: 'loopback', fencingToken: 0 };
}

export function network(redis: Redis): LoopbackNetwork {
  return new LoopbackNetwork(redis);
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}
