import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { StoreOp } from '../../../src/scheduler/store/task-store.ts';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { schedulerKeys } from '../../../src/scheduler/store/scheduler-keys.ts';
import { WriteBatcher } from '../../../src/scheduler/store/write-batcher.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { owner, scheduled, suiteRedis } from './store-fixtures.ts';

describe('WriteBatcher over a TaskStore', function () {
  const { redis, prefix } = suiteRedis('write-batcher');
  /** Pipelines sent on `redis`, counted by wrapping its `pipeline` method (the store makes one per batch). */
  let pipelines = 0;
  const pipeline = redis.pipeline.bind(redis);
  redis.pipeline = ((...args: Parameters<typeof pipeline>) => {
    pipelines++;
    return pipeline(...args);
  }) as typeof redis.pipeline;
  after(() => redis.quit());

  const setup = (options: { lingerMs?: number; maxBatch?: number; maxInFlight?: number } = {}) => {
    const store = new TaskStore(redis, { owner: owner() });
    const batcher = new WriteBatcher<StoreOp>({ write: (ops) => store.write(ops), ...options });
    return { store, batcher };
  };

  it('writes the puts and acks made within lingerMs as one pipeline', async () => {
    const { store, batcher } = setup({ lingerMs: 20 });
    const before = pipelines;
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 300; i++) writes.push(batcher.push({ op: 'put', task: scheduled({ id: `b${i}` }) }));
    for (let i = 0; i < 300; i += 2) writes.push(batcher.push({ op: 'ack', id: `b${i}`, pairId: 'p' }));
    await Promise.all(writes);
    assert.equal(pipelines - before, 1);
    assert.deepEqual(batcher.stats(), { queued: 0, inFlight: 0, batches: 1, ops: 450, failedBatches: 0 });
    assert.equal(await store.pendingCount(), 150);
  });

  it('sends a batch as soon as it holds maxBatch writes, without waiting for the linger', async () => {
    const { store, batcher } = setup({ lingerMs: 60_000, maxBatch: 100 });
    const before = pipelines;
    const started = performance.now();
    await batcher.pushMany(Array.from({ length: 250 }, (_, i) => ({ op: 'put' as const, task: scheduled({ id: `m${i}` }) })).slice(0, 200));
    assert.ok(performance.now() - started < 5_000);
    assert.equal(pipelines - before, 2);
    assert.equal(await store.pendingCount(), 200);
    // The 50 left in an open batch go out on flush.
    const rest = batcher.pushMany(Array.from({ length: 50 }, (_, i) => ({ op: 'put' as const, task: scheduled({ id: `r${i}` }) })));
    await batcher.flush();
    await rest;
    assert.equal(await store.pendingCount(), 250);
  });

  it('resolves a caller only once Redis has its write', async () => {
    const { store, batcher } = setup({ lingerMs: 50 });
    let resolved = false;
    const write = batcher.push({ op: 'put', task: scheduled({ id: 'late' }) }).then(() => {
      resolved = true;
    });
    await sleep(15);
    assert.equal(resolved, false);
    assert.equal(await redis.hexists(schedulerKeys.tasks(store.owner), 'late'), 0, 'not written during the linger');
    await write;
    // Seen by another connection at the moment the caller resumes.
    const other = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    try {
      assert.equal(await other.hexists(schedulerKeys.tasks(store.owner), 'late'), 1);
    } finally {
      other.disconnect();
    }
  });

  it('keeps order across batches in flight at once: an ack never overtakes its put', async () => {
    const { store, batcher } = setup({ lingerMs: 0, maxBatch: 7, maxInFlight: 8 });
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 500; i++) {
      writes.push(batcher.push({ op: 'put', task: scheduled({ id: `o${i}` }) }));
      if (i % 5 !== 0) writes.push(batcher.push({ op: 'ack', id: `o${i}`, pairId: 'p' }));
    }
    await Promise.all(writes);
    assert.ok(batcher.stats().batches >= 100);
    const left = (await store.loadPending()).map((t) => t.id);
    assert.deepEqual(left, Array.from({ length: 100 }, (_, k) => `o${k * 5}`));
  });

  it('rejects every caller of a failed batch with its error, and the next batch goes on', async () => {
    const broken = new Redis(TEST_REDIS_URL, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const store = new TaskStore(broken, { owner: owner() });
    const batcher = new WriteBatcher<StoreOp>({ write: (ops) => store.write(ops), lingerMs: 5 });
    const a = batcher.push({ op: 'put', task: scheduled({ id: 'f1' }) });
    const b = batcher.push({ op: 'ack', id: 'f2', pairId: 'p' });
    await assert.rejects(a, /Stream isn't writeable/);
    await assert.rejects(b, /Stream isn't writeable/);
    assert.equal(batcher.stats().failedBatches, 1);
    // The refused command set the lazy client connecting; wait for it (or start it).
    if (broken.status === 'wait') await broken.connect();
    else if (broken.status !== 'ready') await once(broken, 'ready');
    await batcher.push({ op: 'put', task: scheduled({ id: 'f3' }) });
    assert.equal(await store.pendingCount(), 1);
    broken.disconnect();
  });

  it('flushes on close and refuses writes after it', async () => {
    const { store, batcher } = setup({ lingerMs: 60_000 });
    const pending = batcher.push({ op: 'put', task: scheduled({ id: 'c1' }) });
    await batcher.close();
    await pending;
    assert.equal(await store.pendingCount(), 1);
    await assert.rejects(batcher.push({ op: 'ack', id: 'c1', pairId: 'p' }), {
      name: 'WriteBatcherClosedError', code: 'write_batcher_closed', message: 'The scheduler store is closed and takes no more writes',
    });
  });

  describe('options', () => {
    const write = (): Promise<void> => Promise.resolve();
    const bad: Array<[object, string]> = [
      [{}, 'write must be a function'],
      [{ write, lingerMs: -1 }, 'lingerMs must be a non-negative finite number'],
      [{ write, maxBatch: 0 }, 'maxBatch must be a positive integer'],
      [{ write, maxInFlight: 1.5 }, 'maxInFlight must be a positive integer'],
    ];
    for (const [options, message] of bad) {
      it(`refuses ${JSON.stringify(options)}: ${message}`, () => {
        assert.throws(() => new WriteBatcher(options as never), { name: 'InvalidOptionError', code: 'invalid_option', message });
      });
    }
  });
});
