/**
 * One supervisor's forwarding queue for the crash part of `bench/scheduler.ts`:
 * restores its shard, then runs the throughput workload as the source
 * (enqueues tasks durably in batches, telling the parent after each batch
 * which are accepted) and as the dispatch loop (takes, delivers, acks). The
 * parent SIGKILLs the first run mid-way and starts a second on the same keys.
 *
 * Delivery is a destination with an idempotency check: the task's key goes
 * into a ledger (as the message-links table records what was sent) and only
 * if it was not there does the no-op sink count it, both in one script,
 * before the ack. A task handed out again after the restart finds its key and
 * is absorbed (counted as redelivered); the sink's counts show what got
 * through twice.
 *
 * Environment: REDIS_URL, REDIS_KEY_PREFIX, OWNER, TOTAL, SEND_FROM (first
 * task the source sends: 0, or where the parent's confirmations stopped, as a
 * source re-sends what it was not told is accepted), BATCH, IN_FLIGHT, LEDGER
 * and SINK (hash keys).
 *
 * Messages to the parent: { type: 'restored', restored, loadMs },
 * { type: 'accepted', through }, { type: 'done', redelivered }.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { PriorityScheduler } from '../src/scheduler/core/priority-scheduler.ts';
import { DurableScheduler } from '../src/scheduler/durable-scheduler.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { benchSchedulerOptions, benchTask } from './_scheduler-workload.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const send = (message: object): void => {
  process.send!(message);
};

// Ledger check and send in one script: a kill between the two must neither lose the send nor repeat it.
const DELIVER = `
if redis.call('HSETNX', KEYS[1], ARGV[1], 1) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return 1`;

const url = env('REDIS_URL');
const prefix = env('REDIS_KEY_PREFIX');
const total = Number(env('TOTAL'));
const sendFrom = Number(env('SEND_FROM'));
const batch = Number(env('BATCH'));
const inFlightBound = Number(env('IN_FLIGHT'));
const ledger = env('LEDGER');
const sink = env('SINK');

const redis = new Redis(url, { keyPrefix: prefix });
// The destination's own connection, pipelining the many small script calls of one turn.
const destination = new Redis(url, { keyPrefix: prefix, enableAutoPipelining: true });

const ds = new DurableScheduler(new PriorityScheduler(benchSchedulerOptions(inFlightBound)), new TaskStore(redis, { owner: env('OWNER') }));
const restored = await ds.restore(Date.now());
send({ type: 'restored', restored: restored.restored, loadMs: restored.loadMs });

let sourceDone = false;
let delivering = 0;
let redelivered = 0;

async function deliver(id: string, key: string): Promise<void> {
  const fresh = (await destination.eval(DELIVER, 2, ledger, sink, key)) as number;
  if (fresh === 0) redelivered++;
  await ds.ack(id, Date.now());
}

function pump(): void {
  for (let r = ds.take(Date.now()); r.task !== null; r = ds.take(Date.now())) {
    delivering++;
    void deliver(r.task.id, r.task.idempotencyKey).finally(() => {
      delivering--;
      pump();
    });
  }
}

async function source(): Promise<void> {
  for (let from = sendFrom; from < total; from += batch) {
    const to = Math.min(total, from + batch);
    const now = Date.now();
    const pending = [];
    for (let i = from; i < to; i++) pending.push(ds.enqueue(benchTask(i, now), now));
    pump();
    const results = await Promise.all(pending);
    if (!results.every((r) => r.accepted)) throw new Error('a task was refused');
    send({ type: 'accepted', through: to });
  }
  sourceDone = true;
}

async function drained(): Promise<void> {
  pump();
  while (!(sourceDone && ds.size === 0 && delivering === 0)) await sleep(5);
}

await Promise.all([source(), drained()]);
await ds.close();
send({ type: 'done', redelivered });
redis.disconnect();
destination.disconnect();
process.disconnect();
