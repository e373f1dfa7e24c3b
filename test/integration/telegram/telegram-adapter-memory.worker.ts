/**
 * Runs in its own thread for telegram-adapter-memory.test.ts, so the heap it
 * measures holds the adapter's clients and not the fake's side of their
 * connections: connects one client (gramjs loads), then the others, and
 * posts the settled heap, external memory and RSS each added. Says as it
 * goes how many clients are open, so a stall names where it stuck.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { collectGarbage, isolateBytes, settledHeapBytes } from '../../../actors/heap-probe.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { telegramClientFactory } from '../../../actors/platform/telegram/telegram-client.ts';
import { createTelegramRuntime } from '../../../actors/platform/telegram/telegram-runtime.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';

export interface MemoryReport {
  heapPerClient: number;
  externalPerClient: number;
  rssPerClient: number;
  trackedPerClient: number;
  rejected: number;
}

const { runtime, sessions, watch } = workerData as { runtime: TelegramRuntimeOptions; sessions: string[]; watch: string[][] };
const factory = telegramClientFactory(createTelegramRuntime(runtime));
let rejected = 0;
const callbacks = { onMessage: () => {}, onDisconnect: () => {}, onCredentialsRejected: () => { rejected += 1; } };
const clients: PlatformClient[] = [];

async function open(i: number): Promise<void> {
  const client = factory({ actorId: `a${i}`, userId: 'u', credential: sessions[i]!, connectionId: `c${i}` }, callbacks);
  await client.connect(null);
  await client.watch(watch[i]!);
  clients.push(client);
  parentPort!.postMessage({ type: 'opened', count: clients.length });
}

await open(0);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
await settle();
collectGarbage();
const rss = process.memoryUsage().rss;
const heap = settledHeapBytes();
const external = isolateBytes().externalBytes;
for (let i = 1; i < sessions.length; i += 1) await open(i);
await settle();
const n = sessions.length - 1;
const report: MemoryReport = {
  heapPerClient: Math.round((settledHeapBytes() - heap) / n),
  externalPerClient: Math.round((isolateBytes().externalBytes - external) / n),
  rssPerClient: Math.round((process.memoryUsage().rss - rss) / n),
  trackedPerClient: Math.round(clients.slice(1).reduce((sum, c) => sum + c.trackedBytes(), 0) / n),
  rejected,
};
// Reported before the clients close: what is measured does not wait on their goodbyes.
parentPort!.postMessage({ type: 'report', report });
for (const client of clients) await client.disconnect();
