/**
 * The piscina task module of a thread host: one long-lived task per pool
 * thread. It exposes a ThreadHostApi with comlink on `init.rpcPort`, posts
 * ThreadEvents on `init.eventPort`, owns the thread's one Redis connection
 * (leases and the loopback network) and resolves, with every actor's cursor,
 * only once `shutdown()` has been called. A rejected task means the thread
 * died (heap cap, crash); the worker process then restarts its actors.
 */
import '../src/telegram/gramjs-preload.ts';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { Redis } from 'ioredis';
import type { ActorSpec, ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import { isolateBytes, measurePerObject, settledHeapBytes } from './heap-probe.ts';
import { createDiscordRuntime } from './platform/discord/discord-runtime.ts';
import { createLoopbackRuntime, type LoopbackRuntime } from './platform/loopback/loopback-runtime.ts';
import { createTelegramRuntime } from './platform/telegram/telegram-runtime.ts';
import { clientFactoryFor, type PlatformRuntimes } from './platform/platform-registry.ts';
import { leaseStopMarginMs, loopbackConnectionTtlMs } from './runtime-timing.ts';
import { SessionActor } from './session-actor.ts';
import type { ThreadEvent, ThreadHostApi, ThreadHostInit } from '../src/runtime-contracts/thread-host-api.ts';
import { ThreadHostRuntime } from './thread-host-runtime.ts';
import { EVENTS_END } from './thread-slot.ts';
import { coalescingPort } from '../src/cluster/coalescing-port.ts';
import { installErrorCodes } from '../src/cluster/comlink-errors.ts';
import { nodeEndpoint } from '../src/cluster/comlink-node.ts';
import { SessionLeases } from '../src/cluster/session-lease.ts';

/** Default ms between two loopback poller ticks. */
const DEFAULT_POLL_INTERVAL_MS = 100;
/** Actors created to measure the per-client base: enough that one GC's noise divides away. */
const BASE_PROBE_COUNT = 256;

/**
 * Heap cost of one idle actor with its client, measured once per thread: the
 * settled-heap delta of creating BASE_PROBE_COUNT actors (never connected, so
 * the network sees nothing) divided by their number. Their connection
 * bookkeeping (a slot in the heartbeat set and the lease table) is not in it;
 * the worker's attribution spreads what reports miss in proportion.
 */
function measureClientBase(runtimes: PlatformRuntimes): number {
  if (runtimes.loopback === null) return 0;
  const factory = clientFactoryFor('loopback', runtimes);
  const spec = (i: number): ActorSpec => ({
    actorId: `base-probe-${i}`, userId: 'base-probe', platform: 'loopback', tier: 'free', credential: '', fencingToken: 0,
  });
  return measurePerObject(
    (i) => new SessionActor({ spec: spec(i), factory, connectionId: `base-probe/${threadId}/${i}`, emit: () => {} }),
    BASE_PROBE_COUNT,
  );
}

export default async function threadHost(init: ThreadHostInit): Promise<Record<string, ResumeCursor>> {
  installErrorCodes();
  const stopMarginMs = leaseStopMarginMs(init.leaseTtlMs, init.leaseRenewMs);
  const redis = init.redisUrl === null ? null : new Redis(init.redisUrl, { keyPrefix: init.redisKeyPrefix });
  // ioredis reconnects by itself; rounds that fail meanwhile are retried, and
  // lease deadlines stop the actors if it stays away too long.
  redis?.on('error', () => {});
  const { pollIntervalMs = DEFAULT_POLL_INTERVAL_MS, ...loopbackOptions } = init.loopback ?? {};
  const loopback: LoopbackRuntime | null = redis === null ? null : createLoopbackRuntime(redis, {
    connectionTtlMs: loopbackConnectionTtlMs(stopMarginMs),
    ...loopbackOptions,
  });
  const leases = redis === null ? null : new SessionLeases(redis, {
    ttlMs: init.leaseTtlMs,
    stopMarginMs,
    renewIntervalMs: init.leaseRenewMs,
  });
  // Discord needs no connection of the thread's own: every bot opens its gateway when it starts.
  const discord = createDiscordRuntime({
    ...(init.discordApiUrl === undefined ? {} : { apiUrl: init.discordApiUrl }),
    ...(init.discordInvalidRequestLimit === undefined ? {} : { invalidRequestLimit: init.discordInvalidRequestLimit }),
  }, redis === null ? null : { redis, hostId: hostname() });
  // Telegram likewise: each session opens its own connection; gramjs loads with the first of them.
  const telegram = init.telegram === undefined ? null : createTelegramRuntime(init.telegram);
  const runtimes: PlatformRuntimes = { loopback, discord, telegram };
  // Both ports coalesce what is posted in one turn (see coalescing-port.ts); the slot wraps its ends the same way.
  const events = coalescingPort(init.eventPort);
  const rpc = coalescingPort(init.rpcPort);
  const emit = (event: ThreadEvent): void => events.postMessage(event);

  const clientBaseBytes = measureClientBase(runtimes);
  const fixedBytes = settledHeapBytes() + isolateBytes().externalBytes;
  const host = new ThreadHostRuntime({
    threadIndex: init.threadIndex,
    workerId: init.workerId,
    runtimes,
    renewMany: leases === null ? null : (grants) => leases.renewMany(grants),
    leaseTtlMs: init.leaseTtlMs,
    leaseRenewMs: init.leaseRenewMs,
    leaseStopMarginMs: stopMarginMs,
    clientBaseBytes,
    fixedBytes,
    pollIntervalMs,
    emit,
  });
  // Only the ThreadHostApi methods: `run` and `finished` are this module's business.
  const api: ThreadHostApi = {
    startActor: (spec, cursor) => host.startActor(spec, cursor),
    stopActor: (actorId) => host.stopActor(actorId),
    pauseActor: (actorId) => host.pauseActor(actorId),
    resumeActor: (actorId, cursor) => host.resumeActor(actorId, cursor),
    idleActor: (actorId) => host.idleActor(actorId),
    watch: (actorId, chatIds) => host.watch(actorId, chatIds),
    send: (actorId, task) => host.send(actorId, task),
    readFile: (actorId, read) => host.readFile(actorId, read),
    topicTitle: (actorId, chatId, topicId) => host.topicTitle(actorId, chatId, topicId),
    refreshLinks: (actorId, urls) => host.refreshLinks(actorId, urls),
    health: (actorId) => host.health(actorId),
    healthAll: () => host.healthAll(),
    measure: (options) => host.measure(options),
    shutdown: () => host.shutdown(),
  };
  Comlink.expose(api, nodeEndpoint(rpc));
  host.run();

  const cursors = await host.finished;
  events.postMessage(EVENTS_END);
  events.flush();
  // Let the reply to shutdown() leave before the ports close.
  await new Promise((resolve) => setImmediate(resolve));
  rpc.flush();
  init.rpcPort.close();
  init.eventPort.close();
  await redis?.quit().catch(() => redis.disconnect());
  return cursors;
}
