/**
 * What loopback clients of one thread share: the network, one poller and one
 * heartbeat batch. A thread host builds it once (`createLoopbackRuntime`),
 * installs it, and drives `poller.start` and `heartbeats.start` (or calls
 * `tick` and `beat` from its own loop).
 */
import type { Redis } from 'ioredis';
import { InvalidOptionError, LoopbackNotInstalledError } from '../../../src/errors/registry.ts';
import { LoopbackHeartbeats } from './loopback-heartbeats.ts';
import { LoopbackNetwork } from './loopback-network.ts';
import { LoopbackPoller } from './loopback-poller.ts';
import type { LoopbackRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';

export interface LoopbackRuntime {
  network: LoopbackNetwork;
  poller: LoopbackPoller;
  heartbeats: LoopbackHeartbeats;
  connectionTtlMs: number;
  cacheMaxBytes: number;
  cacheMaxEntries: number;
}

function check(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    const option = `options.${name}`;
    const rule = min === 0 ? 'must be a non-negative integer' : 'must be a positive integer';
    throw new InvalidOptionError({ option, message: `${option} ${rule}` });
  }
  return value;
}

/** Builds the shared parts over `redis` (its keyPrefix names the network). */
export function createLoopbackRuntime(redis: Redis, options: LoopbackRuntimeOptions = {}): LoopbackRuntime {
  const connectionTtlMs = check('connectionTtlMs', options.connectionTtlMs ?? 1_500, 1);
  const cacheMaxBytes = check('cacheMaxBytes', options.cacheMaxBytes ?? 65_536, 0);
  const cacheMaxEntries = check('cacheMaxEntries', options.cacheMaxEntries ?? 256, 0);
  const network = new LoopbackNetwork(redis, options.chatMaxLen === undefined ? {} : { chatMaxLen: options.chatMaxLen });
  const poller = new LoopbackPoller(network, options.pollCountPerChat === undefined ? {} : { countPerChat: options.pollCountPerChat });
  return { network, poller, heartbeats: new LoopbackHeartbeats(network, connectionTtlMs), connectionTtlMs, cacheMaxBytes, cacheMaxEntries };
}

let installed: LoopbackRuntime | null = null;

/** Makes `runtime` the one `createLoopbackClient` uses in this thread (null uninstalls). */
export function installLoopbackRuntime(runtime: LoopbackRuntime | null): void {
  installed = runtime;
}

/** The installed runtime; throws `LoopbackNotInstalledError` when there is none. */
export function installedLoopbackRuntime(): LoopbackRuntime {
  if (installed === null) throw new LoopbackNotInstalledError({});
  return installed;
}
