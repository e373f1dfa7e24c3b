import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import { benchTask, BULLMQ_PRIORITY } from './_scheduler-workload.ts';
const N = Number(process.argv[2] ?? 20000);
const C = Number(process.argv[3] ?? 1000);
const url = 'redis://127.0.0.1:6379';
const prefix = `bench:scratch:${Math.random().toString(36).slice(2, 8)}`;
const queue = new Queue('fwd', { connection: { url }, prefix });
let completed = 0;
let resolveDone!: () => void;
const done = new Promise<void>((r) => { resolveDone = r; });
const worker = new Worker('fwd', async () => {}, { connection: { url, maxRetriesPerRequest: null }, prefix, concurrency: C });
worker.on('completed', () => { if (++completed === N) resolveDone(); });
await worker.waitUntilReady();
await queue.waitUntilReady();
const t0 = performance.now();
for (let from = 0; from < N; from += 1000) {
  const jobs = [];
  for (let i = from; i < Math.min(N, from + 1000); i++) {
    const t = benchTask(i, Date.now());
    jobs.push({ name: 'fwd', data: t, opts: { priority: BULLMQ_PRIORITY[t.tier], removeOnComplete: true, removeOnFail: true } });
  }
  await queue.addBulk(jobs);
}
const tAdd = performance.now() - t0;
await done;
const ms = performance.now() - t0;
console.log({ N, C, addMs: tAdd, ms, perS: N / ms * 1000 });
await worker.close(); await queue.close();
const raw = new Redis(url); await deleteByPrefix(raw, prefix); raw.disconnect();
