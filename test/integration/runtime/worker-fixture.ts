/**
 * Forks the real worker process (actors/worker-process.ts) the way the
 * supervisor does, and talks to it with the same ipc-endpoint + comlink.
 * Leases are acquired here with SessionLeases before actors start, as the
 * supervisor will.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as Comlink from 'comlink';
import { Redis } from 'ioredis';
import type { ActorSpec } from '../../../src/runtime-contracts/actor-contract.ts';
import { childChannel, type IpcChannel } from '../../../src/cluster/ipc-endpoint.ts';
import { SessionLeases } from '../../../src/cluster/session-lease.ts';
import { leaseStopMarginMs } from '../../../actors/runtime-timing.ts';
import type { WorkerApi, WorkerEvent, WorkerOptions } from '../../../src/runtime-contracts/worker-protocol.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../../../actors/worker-process.ts', import.meta.url));

/** A key prefix of its own for one suite (or one test), inside this run's namespace. */
export function suitePrefix(suite: string): string {
  return `${TEST_REDIS_PREFIX}${suite}-${randomBytes(2).toString('hex')}:`;
}

export function workerOptions(prefix: string, overrides: Partial<WorkerOptions> = {}): WorkerOptions {
  return {
    workerId: `w-${randomBytes(3).toString('hex')}`,
    threads: 2,
    threadMaxOldGenerationMb: 256,
    threadRestartIntensity: 3,
    restartPeriodMs: 60_000,
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix: prefix,
    leaseTtlMs: 10_000,
    leaseRenewMs: 3_000,
    ...overrides,
  };
}

export interface ForkedWorker {
  options: WorkerOptions;
  child: ChildProcess;
  api: Comlink.Remote<WorkerApi>;
  channel: IpcChannel<WorkerEvent>;
  events: WorkerEvent[];
  /** Resolves with the first event (already seen or coming) that matches. */
  waitForEvent<E extends WorkerEvent>(match: (e: WorkerEvent) => e is E, timeoutMs?: number): Promise<E>;
  waitForEvent(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if still alive and waits for its exit. */
  dispose(): Promise<void>;
}

export function forkWorker(options: WorkerOptions, keepEvents: (e: WorkerEvent) => boolean = (e) => e.type !== 'inbound'): ForkedWorker {
  const child = fork(WORKER_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, MALLOC_ARENA_MAX: '2', SB_WORKER_OPTIONS: JSON.stringify(options) },
  });
  const channel = childChannel<WorkerEvent>(child);
  const api = Comlink.wrap<WorkerApi>(channel.endpoint);
  const events: WorkerEvent[] = [];
  const waiters = new Set<(e: WorkerEvent) => void>();
  channel.onEvent((e) => {
    if (keepEvents(e)) events.push(e);
    for (const w of [...waiters]) w(e);
  });
  const gone = new Set<(reason: Error) => void>();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      channel.close();
      // Waiting for an event that can no longer come would only time out later.
      for (const fail of gone) fail(new Error(`worker exited (code ${code}, signal ${signal}) before a matching event`));
      resolve({ code, signal });
    });
  });
  function waitForEvent(match: (e: WorkerEvent) => boolean, timeoutMs = 30_000): Promise<WorkerEvent> {
    const seen = events.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
        gone.delete(fail);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching worker event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (e: WorkerEvent): void => {
        if (!match(e)) return;
        done();
        resolve(e);
      };
      const fail = (reason: Error): void => {
        done();
        reject(reason);
      };
      waiters.add(waiter);
      gone.add(fail);
    });
  }
  return {
    options,
    child,
    api,
    channel,
    events,
    waitForEvent: waitForEvent as ForkedWorker['waitForEvent'],
    exited,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A Redis client in the suite's namespace (as the worker's threads see it). */
export function redisFor(prefix: string): Redis {
  return new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
}

/** SessionLeases with the worker's timing, as the supervisor would build them. */
export function leasesFor(redis: Redis, options: WorkerOptions): SessionLeases {
  return new SessionLeases(redis, {
    ttlMs: options.leaseTtlMs,
    stopMarginMs: leaseStopMarginMs(options.leaseTtlMs, options.leaseRenewMs),
    renewIntervalMs: options.leaseRenewMs,
  });
}

/** Acquires the lease of `actorId` for the worker and returns the spec to start it with. */
export async function leasedSpec(
  leases: SessionLeases,
  options: WorkerOptions,
  actorId: string,
  extra: Partial<ActorSpec> = {},
): Promise<ActorSpec> {
  const grant = await leases.acquire(actorId, options.workerId);
  if (grant === null) throw new Error(`lease of ${actorId} is held by someone else`);
  return { actorId, userId: `u-${actorId}`, platform: 'loopback', tier: 'free', credential: 'ok', fencingToken: grant.token, ...extra };
}
