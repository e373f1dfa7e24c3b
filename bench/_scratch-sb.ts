import { Redis } from 'ioredis';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import { PriorityScheduler } from '../src/scheduler/core/priority-scheduler.ts';
import { DurableScheduler } from '../src/scheduler/durable-scheduler.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { benchTask, benchSchedulerOptions } from './_scheduler-workload.ts';
const N = Number(process.argv[2] ?? 20000);
const C = Number(process.argv[3] ?? 1000);
const url = 'redis://127.0.0.1:6379';
const prefix = `bench:scratch:${Math.random().toString(36).slice(2, 8)}:`;
const redis = new Redis(url, { keyPrefix: prefix });
const ds = new DurableScheduler(new PriorityScheduler(benchSchedulerOptions(C)), new TaskStore(redis, { owner: 'bench' }));
await ds.restore(Date.now());
let acked = 0;
let resolveDone!: () => void;
const done = new Promise<void>((r) => { resolveDone = r; });
async function deliver(id: string) {
  await null;
  void ds.ack(id, Date.now()).then(() => { if (++acked === N) resolveDone(); });
  pump();
}
function pump() {
  for (;;) { const r = ds.take(Date.now()); if (r.task === null) return; void deliver(r.task.id); }
}
const W = Number(process.argv[4] ?? 1);
const pending: Promise<unknown>[] = [];
const t0 = performance.now();
for (let from = 0; from < N; from += 1000) {
  const ps = [];
  const now = Date.now();
  for (let i = from; i < Math.min(N, from + 1000); i++) ps.push(ds.enqueue(benchTask(i, now), now));
  pending.push(Promise.all(ps));
  pump();
  if (pending.length >= W) await pending.shift();
}
const tAdd = performance.now() - t0;
await done;
const ms = performance.now() - t0;
console.log({ N, C, addMs: tAdd, ms, perS: N / ms * 1000, m: (await ds.metrics()).writes });
await ds.close();
const raw = new Redis(url); await deleteByPrefix(raw, prefix); raw.disconnect(); redis.disconnect();
