import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { TaskStore } from '../../../src/scheduler/store/task-store.ts';
import { schedulerKeys } from '../../../src/scheduler/store/scheduler-keys.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { acks, owner, scheduled, suiteRedis } from './store-fixtures.ts';

describe('TaskStore', function () {
  const { redis, prefix } = suiteRedis('task-store');
  after(() => redis.quit());

  const ids = (tasks: readonly { id: string }[]): string[] => tasks.map((t) => t.id);

  describe('pending tasks', () => {
    it('stores many tasks in one round trip and a new store on the same keys loads them in seq order', async () => {
      const o = owner();
      const tasks = Array.from({ length: 30 }, (_, i) => scheduled({ id: `a${i}`, pairId: `p${i % 3}`, attempts: i % 2 }));
      await new TaskStore(redis, { owner: o }).addMany(tasks);

      const loaded = await new TaskStore(redis, { owner: o, loadChunkSize: 7 }).loadPending();
      assert.deepEqual(ids(loaded), ids(tasks));
      assert.deepEqual(loaded.map((t) => t.seq), tasks.map((_, i) => i + 1));
      assert.deepEqual(loaded[3], { ...tasks[3], seq: 4 });
      // The documented keys, behind the client's keyPrefix.
      const raw = new Redis(TEST_REDIS_URL);
      try {
        assert.equal(await raw.hlen(`${prefix}${schedulerKeys.tasks(o)}`), 30);
        assert.equal(await raw.zscore(`${prefix}${schedulerKeys.order(o)}`, 'a0'), '1');
        assert.equal(await raw.get(`${prefix}${schedulerKeys.seq(o)}`), '30');
      } finally {
        raw.disconnect();
      }
    });

    it('streams the pending tasks in chunks of loadChunkSize', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o, loadChunkSize: 4 });
      await store.addMany(Array.from({ length: 10 }, (_, i) => scheduled({ id: `c${i}` })));
      const sizes: number[] = [];
      for await (const page of store.pendingPages()) sizes.push(page.length);
      assert.deepEqual(sizes, [4, 4, 2]);
      assert.deepEqual(await new TaskStore(redis, { owner: owner() }).loadPending(), []);
    });

    it('forgets acked tasks and ignores unknown ids', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o });
      await store.addMany([scheduled({ id: 'k1' }), scheduled({ id: 'k2' }), scheduled({ id: 'k3' })]);
      await store.ackMany(acks('k2', 'nope'));
      assert.deepEqual(ids(await store.loadPending()), ['k1', 'k3']);
      assert.equal(await store.pendingCount(), 2);
      await store.ackMany(acks('k1', 'k3'));
      assert.equal(await store.pendingCount(), 0);
      assert.equal(await redis.exists(schedulerKeys.tasks(o), schedulerKeys.order(o)), 0);
    });

    it('records a retry in place: attempts, notBefore and lastError survive, the seq does not move', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o });
      const first = scheduled({ id: 'r1', pairId: 'p' });
      await store.addMany([first, scheduled({ id: 'r2', pairId: 'p' })]);
      await store.recordRetry({ ...first, attempts: 3, notBefore: 12_345, lastError: 'timeout' });
      const loaded = await new TaskStore(redis, { owner: o }).loadPending();
      assert.deepEqual(ids(loaded), ['r1', 'r2']);
      assert.deepEqual(loaded[0], { ...first, attempts: 3, notBefore: 12_345, lastError: 'timeout', seq: 1 });
    });

    it('keeps seq increasing across restarts, acks and empty shards', async () => {
      const o = owner();
      const one = new TaskStore(redis, { owner: o });
      await one.addMany([scheduled({ id: 's1' }), scheduled({ id: 's2' })]);
      await one.ackMany(acks('s1', 's2'));
      assert.equal(await one.seqHighWater(), 2);
      const two = new TaskStore(redis, { owner: o });
      await two.addMany([scheduled({ id: 's3' })]);
      assert.deepEqual((await two.loadPending()).map((t) => t.seq), [3]);
      assert.equal(await two.seqHighWater(), 3);
    });

    it('places a task at the seq the scheduler gave it, so a write made late comes back before later ones', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o });
      // The first task's write failed and is made again after the next ones were stored.
      await store.addMany([scheduled({ id: 'second', pairId: 'p', seq: 2 }), scheduled({ id: 'third', pairId: 'p', seq: 3 })]);
      await store.addMany([scheduled({ id: 'first', pairId: 'p', seq: 1 })]);
      await store.recordRetry(scheduled({ id: 'second', pairId: 'p', seq: 7, attempts: 1 }));
      const loaded = await new TaskStore(redis, { owner: o }).loadPending();
      assert.deepEqual(loaded.map((t) => [t.id, t.seq]), [['first', 1], ['second', 2], ['third', 3]], 'a pending task keeps its place');
      assert.equal(await store.seqHighWater(), 3, 'the counter never falls behind a seq written');
      await store.addMany([scheduled({ id: 'unordered' })]);
      assert.deepEqual((await store.loadPending()).at(-1), { ...scheduled({ id: 'unordered' }), seq: 4 });
    });

    it('applies a mixed batch in order: an ack after its put, a put after an ack of the same id', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o, scriptChunkSize: 2 });
      const x = scheduled({ id: 'x' });
      const y = scheduled({ id: 'y' });
      await store.write([
        { op: 'put', task: x }, { op: 'ack', id: 'x', pairId: x.pairId }, { op: 'put', task: y },
        { op: 'ack', id: 'y', pairId: y.pairId }, { op: 'put', task: { ...y, attempts: 1 } },
      ]);
      const loaded = await store.loadPending();
      assert.deepEqual(loaded.map((t) => [t.id, t.attempts]), [['y', 1]]);
    });

    it('isolates owners: neither loads nor acks the other\'s tasks', async () => {
      const a = new TaskStore(redis, { owner: owner('a') });
      const b = new TaskStore(redis, { owner: owner('b') });
      await a.addMany([scheduled({ id: 'same' }), scheduled({ id: 'only-a' })]);
      await b.addMany([scheduled({ id: 'same' })]);
      await b.ackMany(acks('only-a'));
      assert.deepEqual(ids(await a.loadPending()), ['same', 'only-a']);
      assert.deepEqual(ids(await b.loadPending()), ['same']);
      assert.equal(await b.seqHighWater(), 1);
    });

    it('refuses a record that is not what it writes, naming it', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o });
      await store.addMany([scheduled({ id: 'ok' })]);
      await redis.hset(schedulerKeys.tasks(o), 'ok', '{oops');
      await assert.rejects(store.loadPending(), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'task_record_corrupt');
        assert.match(e.message, new RegExp(`^Stored record "ok" of scheduler shard "${o}" is unreadable: not JSON`));
        return true;
      });
      await redis.hset(schedulerKeys.tasks(o), 'ok', '42');
      await assert.rejects(store.loadPending(), { message: `Stored record "ok" of scheduler shard "${o}" is unreadable: not a JSON array or object` });
      await redis.hset(schedulerKeys.tasks(o), 'ok', '[1]');
      await assert.rejects(store.loadPending(), { message: `Stored record "ok" of scheduler shard "${o}" is unreadable: unknown task record format 1 of 1 fields` });
      await redis.hset(schedulerKeys.tasks(o), 'ok', '[2,"ok"]');
      await assert.rejects(store.loadPending(), { message: `Stored record "ok" of scheduler shard "${o}" is unreadable: unknown task record format 2 of 2 fields` });
      await redis.hset(schedulerKeys.tasks(o), 'ok', JSON.stringify({ id: 'other' }));
      await assert.rejects(store.loadPending(), { message: `Stored record "ok" of scheduler shard "${o}" is unreadable: it holds task "other"` });
    });

    it('stores a task as a compact array and still reads one an earlier version stored as an object', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o });
      const retried = scheduled({ id: 'new', attempts: 2, notBefore: 1_234, lastError: 'flood' });
      await store.addMany([retried]);
      const raw = await redis.hget(schedulerKeys.tasks(o), 'new');
      assert.ok(raw?.startsWith('[1,"new",'), raw ?? 'missing');
      const { seq: _seq, ...legacy } = scheduled({ id: 'old' });
      await redis.hset(schedulerKeys.tasks(o), 'old', JSON.stringify({ ...legacy, seq: 999 }));
      await redis.zadd(schedulerKeys.order(o), 2, 'old');
      const [a, b] = await store.loadPending();
      assert.deepEqual(a, { ...retried, seq: 1 });
      assert.deepEqual(b, { ...legacy, seq: 2 });
    });
  });

  describe('dead-lettering', () => {
    it('moves a task from pending to the dead letters with its error, reason and time, atomically', async () => {
      const o = owner();
      const store = new TaskStore(redis, { owner: o, clock: () => 777 });
      const doomed = scheduled({ id: 'd1', attempts: 5, lastError: 'boom' });
      await store.addMany([doomed, scheduled({ id: 'd2' })]);
      await store.deadLetter({ ...doomed, seq: 1 }, 'boom', 'max_attempts');
      assert.deepEqual(ids(await store.loadPending()), ['d2']);
      const { seq: _seq, ...kept } = doomed;
      assert.deepEqual(await store.deadLetters.get('d1'), { task: kept, error: 'boom', reason: 'max_attempts', deadAt: 777 });
      assert.equal(await store.deadLetters.count(), 1);
    });
  });

  describe('claimOrphans', () => {
    it('moves a dead owner\'s tasks behind the live owner\'s, in order, and its dead letters', async () => {
      const dead = new TaskStore(redis, { owner: owner('dead'), clock: () => 5 });
      const live = new TaskStore(redis, { owner: owner('live'), scriptChunkSize: 3 });
      await live.addMany([scheduled({ id: 'l1', pairId: 'p' })]);
      await dead.addMany(Array.from({ length: 8 }, (_, i) => scheduled({ id: `o${i}`, pairId: i % 2 === 0 ? 'p' : 'q' })));
      await dead.deadLetter(scheduled({ id: 'o7' }), 'bad', 'permanent');

      const report = await live.claimOrphans(dead.owner);
      assert.deepEqual(ids(report.tasks), ['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
      assert.deepEqual(report.tasks.map((t) => t.seq), [2, 3, 4, 5, 6, 7, 8]);
      assert.equal(report.deadLetters, 1);
      assert.equal(report.duplicates, 0);
      assert.deepEqual(ids(await live.loadPending()), ['l1', 'o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
      assert.equal((await live.deadLetters.get('o7'))?.reason, 'permanent');
      assert.deepEqual(await dead.loadPending(), []);
      assert.equal(await dead.deadLetters.count(), 0);
      // Done: the claim marker is gone, and claiming again finds nothing.
      assert.equal(await redis.exists(schedulerKeys.claim(dead.owner)), 0);
      assert.deepEqual(await live.claimOrphans(dead.owner), { tasks: [], deadLetters: 0, duplicates: 0 });
    });

    it('drops an orphan whose id the live owner already holds', async () => {
      const dead = new TaskStore(redis, { owner: owner('dead') });
      const live = new TaskStore(redis, { owner: owner('live') });
      await live.addMany([scheduled({ id: 'twice' })]);
      await dead.addMany([scheduled({ id: 'twice' }), scheduled({ id: 'once' })]);
      const report = await live.claimOrphans(dead.owner);
      assert.deepEqual([ids(report.tasks), report.duplicates], [['once'], 1]);
      assert.deepEqual(ids(await live.loadPending()), ['twice', 'once']);
    });

    it('never shows a task in both shards or in neither while it moves', async function () {
      this.timeout(30_000);
      const dead = new TaskStore(redis, { owner: owner('dead') });
      const live = new TaskStore(redis, { owner: owner('live'), scriptChunkSize: 50 });
      const total = 3_000;
      for (let i = 0; i < total; i += 1_000) {
        await dead.addMany(Array.from({ length: 1_000 }, (_, j) => scheduled({ id: `m${i + j}` })));
      }
      const observer = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
      let claimed = false;
      const seen: number[] = [];
      const watch = (async () => {
        while (!claimed) {
          const r = await observer.multi().hlen(schedulerKeys.tasks(dead.owner)).hlen(schedulerKeys.tasks(live.owner))
            .zcard(schedulerKeys.order(dead.owner)).zcard(schedulerKeys.order(live.owner)).exec();
          const [a, b, c, d] = r!.map(([, v]) => Number(v));
          assert.equal(a! + b!, total);
          assert.equal(c! + d!, total);
          seen.push(b!);
        }
      })();
      const report = await live.claimOrphans(dead.owner);
      claimed = true;
      await watch;
      observer.disconnect();
      assert.equal(report.tasks.length, total);
      assert.ok(seen.some((n) => n > 0 && n < total), `observed a claim in progress: ${seen.length} samples`);
    });

    it('lets one owner claim a shard at a time', async () => {
      const deadOwner = owner('dead');
      const dead = new TaskStore(redis, { owner: deadOwner });
      await dead.addMany([scheduled({ id: 'z' })]);
      const first = owner('first');
      // As if `first` died after its first step: its marker still holds the shard.
      await redis.set(schedulerKeys.claim(deadOwner), first, 'PX', 60_000);
      const second = new TaskStore(redis, { owner: owner('second') });
      await assert.rejects(second.claimOrphans(deadOwner), {
        name: 'OrphanClaimConflictError',
        code: 'orphan_claim_conflict',
        message: `Tasks of supervisor "${deadOwner}" are being claimed by "${first}"; "${second.owner}" cannot claim them too`,
      });
      assert.deepEqual(ids(await dead.loadPending()), ['z']);
      // The holder itself carries on.
      assert.deepEqual(ids((await new TaskStore(redis, { owner: first }).claimOrphans(deadOwner)).tasks), ['z']);
    });

    it('checks the dead owner id', async () => {
      const store = new TaskStore(redis, { owner: 'me' });
      await assert.rejects(store.claimOrphans('me'), { code: 'invalid_option', message: 'deadOwnerId must differ from owner' });
      await assert.rejects(store.claimOrphans('a:b'), { code: 'invalid_option', message: 'deadOwnerId must be 1 to 64 of A-Z a-z 0-9 _ . -' });
    });
  });

  describe('options', () => {
    const bad: Array<[object, string]> = [
      [{}, 'owner must be 1 to 64 of A-Z a-z 0-9 _ . -'],
      [{ owner: 'x'.repeat(65) }, 'owner must be 1 to 64 of A-Z a-z 0-9 _ . -'],
      [{ owner: 'o', loadChunkSize: 0 }, 'loadChunkSize must be an integer from 1 to 10000'],
      [{ owner: 'o', scriptChunkSize: 10_001 }, 'scriptChunkSize must be an integer from 1 to 10000'],
      [{ owner: 'o', claimMarkerTtlMs: 1.5 }, 'claimMarkerTtlMs must be a positive integer'],
      [{ owner: 'o', clock: 5 }, 'clock must be a function'],
    ];
    for (const [options, message] of bad) {
      it(`refuses ${JSON.stringify(options)}: ${message}`, () => {
        assert.throws(() => new TaskStore(redis, options as never), { name: 'InvalidOptionError', code: 'invalid_option', message });
      });
    }
  });
});
