/**
 * Runs in its own thread for telegram-adapter-media-memory.test.ts, so the
 * heap it samples holds the adapter's client and not the fake's side: sends
 * one file and reports how far the thread's heap and external memory rose
 * above what they were before while the file went through: as sampled
 * (garbage included: each part is copied a few times on its way and
 * collected later) and after full collections (what is really held).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { collectGarbage, isolateBytes, settledHeapBytes } from '../../../actors/heap-probe.ts';
import type { SendResult } from '../../../src/runtime-contracts/actor-contract.ts';
import { telegramClientFactory } from '../../../actors/platform/telegram/telegram-client.ts';
import { createTelegramRuntime } from '../../../actors/platform/telegram/telegram-runtime.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';

export interface MediaMemoryReport {
  result: SendResult;
  /** Highest heap + external memory seen during the send, above the settled level before it, bytes. */
  peakGrowthBytes: number;
  /** The same after full collections, taken every 100 ms during the send, bytes. */
  settledPeakGrowthBytes: number;
  samples: number;
}

const { runtime, session, chatId, payload } = workerData as { runtime: TelegramRuntimeOptions; session: string; chatId: string; payload: OutgoingMessage };
const callbacks = { onMessage: () => {}, onDisconnect: () => {}, onCredentialsRejected: () => {} };
const client = telegramClientFactory(createTelegramRuntime(runtime))({ actorId: 'a', userId: 'u', credential: session, connectionId: 'c' }, callbacks);
await client.connect(null);
settledHeapBytes();
const base = isolateBytes();
const baseline = base.heapUsedBytes + base.externalBytes;
let peak = baseline;
let settledPeak = baseline;
let samples = 0;
const sampler = setInterval(() => {
  const now = isolateBytes();
  peak = Math.max(peak, now.heapUsedBytes + now.externalBytes);
  samples += 1;
}, 2);
const settledSampler = setInterval(() => {
  collectGarbage();
  collectGarbage();
  const now = isolateBytes();
  settledPeak = Math.max(settledPeak, now.heapUsedBytes + now.externalBytes);
}, 100);
const result = await client.send({ taskId: 't', idempotencyKey: 'big-file', pairId: 'p', op: 'send', chatId, payload });
clearInterval(sampler);
clearInterval(settledSampler);
await client.disconnect();
const report: MediaMemoryReport = { result, peakGrowthBytes: peak - baseline, settledPeakGrowthBytes: settledPeak - baseline, samples };
parentPort!.postMessage(report);
