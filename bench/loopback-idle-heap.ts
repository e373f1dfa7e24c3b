/**
 * Heap and RSS per idle loopback client: CLIENTS (default 10 000) clients in
 * this process, each connected and watching one chat, nothing cached. Run:
 *
 *   npm run bench -- loopback-idle-heap   (bench/run.ts passes --expose-gc)
 *
 * Environment: CLIENTS, REDIS_URL (default redis://127.0.0.1:6379),
 * REDIS_KEY_PREFIX (default a fresh `sbbench:<pid>:`, deleted afterwards),
 * Prints a table, then one JSON line of the figures.
 */
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import { loopbackClientFactory } from '../actors/platform/loopback/loopback-client.ts';
import { createLoopbackRuntime } from '../actors/platform/loopback/loopback-runtime.ts';
import type { PlatformCallbacks, PlatformClient } from '../actors/platform/platform-client.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const clients = Number(process.env.CLIENTS ?? 10_000);
const prefix = process.env.REDIS_KEY_PREFIX ?? `sbbench:${process.pid}:`;
// Auto-pipelining batches the connects of many clients, as a thread host starting them would.
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: prefix, enableAutoPipelining: true });
const runtime = createLoopbackRuntime(redis, { connectionTtlMs: 60_000 });
const factory = loopbackClientFactory(runtime);
const callbacks: PlatformCallbacks = { onMessage() {}, onDisconnect() {}, onCredentialsRejected() {} };

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage();
}

// Warm up code paths (Lua registration, JIT) before the baseline.
const warm = factory({ actorId: 'warm', userId: 'u', credential: 's', connectionId: 'warm-1' }, callbacks);
await warm.watch(['warm-chat']);
await warm.connect(null);
await runtime.poller.tick();
await runtime.heartbeats.beat();
await warm.disconnect();

const before = await settle();
const held: PlatformClient[] = [];
for (let i = 0; i < clients; i++) {
  const id = `idle-${i}`;
  held.push(factory({ actorId: id, userId: `user-${i % 100}`, credential: 'session', connectionId: `${id}-c` }, callbacks));
}
await Promise.all(held.map(async (c, i) => {
  await c.watch([`chat-${i}`]);
  await c.connect(null);
}));
const after = await settle();

let t = performance.now();
const beat = await runtime.heartbeats.beat();
const beatMs = performance.now() - t;
t = performance.now();
await runtime.poller.tick();
const tickMs = performance.now() - t;

const result = {
  clients,
  heapPerClient: Math.round((after.heapUsed - before.heapUsed) / clients),
  rssPerClient: Math.round((after.rss - before.rss) / clients),
  externalPerClient: Math.round((after.external - before.external) / clients),
  heartbeatAllMs: Math.round(beatMs),
  heartbeatExtended: beat.extended,
  pollTickMs: Math.round(tickMs),
};
held.length = 0;
await redis.quit();
const cleaner = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await deleteByPrefix(cleaner, prefix);
cleaner.disconnect();
console.table(result);
console.log(JSON.stringify({ bench: 'loopback-idle-heap', ...result }));
