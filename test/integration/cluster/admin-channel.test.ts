import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import {
  AdminCommandListener, COMMAND_STREAM_MAXLEN, publishSnapshot, readSnapshots, removeSnapshot, sendAdminCommand,
} from '../../../src/cluster/admin-channel.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import type { AdminReply, AdminRequest } from '../../../src/cluster/status-snapshot.ts';
import { SupervisorUnreachableError, WorkerNotFoundError } from '../../../src/errors/registry.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';

describe('admin channel over Redis', function () {
  this.timeout(20_000);
  let redis: Redis;
  let listener: AdminCommandListener | undefined;

  beforeEach(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: `${TEST_REDIS_PREFIX}admin-${randomBytes(3).toString('hex')}:` });
  });
  afterEach(async () => {
    await listener?.stop();
    listener = undefined;
    redis.disconnect();
  });

  async function listen(handler: (req: AdminRequest) => Promise<unknown>, onError?: (e: unknown) => void): Promise<void> {
    listener = new AdminCommandListener(redis, 'sup-1', { onError });
    await listener.start(handler);
  }

  /** Writes a stream entry by hand, as a foreign or stale sender would. */
  async function rawRequest(fields: Record<string, string>): Promise<void> {
    await redis.xadd(keys.supervisorCommands('sup-1'), '*', ...Object.entries(fields).flat());
  }

  async function rawReply(id: string): Promise<AdminReply | null> {
    const blocking = redis.duplicate();
    try {
      const popped = await blocking.blpop(keys.commandReply(id), 2);
      return popped === null ? null : JSON.parse(popped[1]) as AdminReply;
    } finally {
      blocking.disconnect();
    }
  }

  it('round-trips a command and its result', async () => {
    await listen(async (req) => ({ echoed: req }));
    const reply = await sendAdminCommand(redis, 'sup-1', { command: 'drain', workerId: 'w1' }, { timeoutMs: 2_000 });
    assert.equal(reply.ok, true);
    assert.deepEqual(reply.ok && reply.result, { echoed: { command: 'drain', workerId: 'w1', id: reply.id } });
  });

  it('answers errors with their code: ours, snake_case codes from other hops, internal_error otherwise', async () => {
    await listen(async (req) => {
      if (req.command === 'drain') throw new WorkerNotFoundError({ workerId: req.workerId });
      if (req.command === 'stop') throw Object.assign(new Error('crossed comlink'), { code: 'actor_transition_invalid' });
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const codes = [];
    for (const command of [{ command: 'drain', workerId: 'w' }, { command: 'stop', sessionId: 's' }, { command: 'pause', sessionId: 's' }] as const) {
      const reply = await sendAdminCommand(redis, 'sup-1', command, { timeoutMs: 2_000 });
      assert.equal(reply.ok, false);
      if (!reply.ok) codes.push(reply.error.code);
    }
    assert.deepEqual(codes, ['worker_not_found', 'actor_transition_invalid', 'internal_error']);
  });

  it('handles requests one at a time, in the order sent', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    await listen(async (req) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(40);
      order.push(req.command === 'stop' ? req.sessionId : '?');
      running -= 1;
      return null;
    });
    const sent = ['s1', 's2', 's3', 's4'];
    const replies = await Promise.all(sent.map((sessionId) =>
      sendAdminCommand(redis, 'sup-1', { command: 'stop', sessionId }, { timeoutMs: 3_000 })));
    assert.ok(replies.every((r) => r.ok));
    assert.equal(most, 1);
    assert.deepEqual([...order].sort(), sent);
  });

  it('ignores requests whose deadline passed, and replies to malformed ones', async () => {
    const seen: AdminRequest[] = [];
    const errors: unknown[] = [];
    await listen(async (req) => { seen.push(req); return null; }, (e) => errors.push(e));
    await rawRequest({ id: 'stale', deadline: String(Date.now() - 1), request: JSON.stringify({ command: 'stop', sessionId: 'old' }) });
    await rawRequest({ id: 'bad', deadline: String(Date.now() + 5_000), request: JSON.stringify({ command: 'explode' }) });
    await rawRequest({ id: 'half', deadline: String(Date.now() + 5_000), request: JSON.stringify({ command: 'reassign', sessionId: 's' }) });
    await rawRequest({ deadline: String(Date.now() + 5_000), request: '{}' });
    const fresh = await sendAdminCommand(redis, 'sup-1', { command: 'resume', sessionId: 'new' }, { timeoutMs: 2_000 });

    assert.equal(fresh.ok, true);
    assert.deepEqual(seen.map((r) => r.command === 'resume' && r.sessionId), ['new']);
    assert.equal(await redis.exists(keys.commandReply('stale')), 0);
    assert.deepEqual(await rawReply('bad'), { id: 'bad', ok: false, error: { code: 'admin_command_invalid', message: 'Invalid admin command: unknown command "explode"' } });
    const half = await rawReply('half');
    assert.equal(half?.ok === false && half.error.code, 'admin_command_invalid');
    assert.match(String((errors[0] as Error).message), /no id/);
  });

  it('replies expire within a minute when nobody collects them', async () => {
    await listen(async () => 'x');
    await rawRequest({ id: 'orphan', deadline: String(Date.now() + 5_000), request: JSON.stringify({ command: 'stop', sessionId: 's' }) });
    for (let i = 0; i < 50 && (await redis.exists(keys.commandReply('orphan'))) === 0; i += 1) await sleep(20);
    const ttl = await redis.ttl(keys.commandReply('orphan'));
    assert.ok(ttl > 50 && ttl <= 60, `ttl ${ttl}`);
  });

  it('does not act on requests sent before it started', async () => {
    await rawRequest({ id: 'before', deadline: String(Date.now() + 60_000), request: JSON.stringify({ command: 'stop', sessionId: 'early' }) });
    const seen: string[] = [];
    await listen(async (req) => { seen.push(req.id); return null; });
    const reply = await sendAdminCommand(redis, 'sup-1', { command: 'stop', sessionId: 'late' }, { timeoutMs: 2_000 });
    assert.deepEqual(seen, [reply.id]);
  });

  it('trims the command stream to about MAXLEN', async () => {
    const stream = keys.supervisorCommands('sup-1');
    const fill = redis.pipeline();
    for (let i = 0; i < COMMAND_STREAM_MAXLEN + 500; i += 1) fill.xadd(stream, '*', 'id', `old-${i}`, 'deadline', '0', 'request', '{}');
    await fill.exec();
    await listen(async () => null);
    await sendAdminCommand(redis, 'sup-1', { command: 'stop', sessionId: 's' }, { timeoutMs: 2_000 });
    const length = await redis.xlen(stream);
    assert.ok(length >= COMMAND_STREAM_MAXLEN && length < COMMAND_STREAM_MAXLEN + 200, `length ${length}`);
  });

  it('stop() returns within 1 s while blocked in XREAD, and finishes a request in hand first', async () => {
    await listen(async () => null);
    await sleep(100);
    let started = performance.now();
    await listener!.stop();
    assert.ok(performance.now() - started < 1_000, `stop took ${performance.now() - started} ms`);

    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => { entered = resolve; });
    listener = new AdminCommandListener(redis, 'sup-1');
    await listener.start(async () => {
      entered();
      await sleep(200);
      return 'finished';
    });
    const reply = sendAdminCommand(redis, 'sup-1', { command: 'stop', sessionId: 's' }, { timeoutMs: 3_000 });
    await inHandler;
    started = performance.now();
    await listener.stop();
    assert.ok(performance.now() - started < 1_000);
    assert.deepEqual(await reply, { id: (await reply).id, ok: true, result: 'finished' });
  });

  it('times out with supervisor_unreachable when nobody listens', async () => {
    const started = performance.now();
    await assert.rejects(
      sendAdminCommand(redis, 'nobody', { command: 'stop', sessionId: 's' }, { timeoutMs: 250 }),
      (e: unknown) => e instanceof SupervisorUnreachableError && e.code === 'supervisor_unreachable' && e.details.supervisorId === 'nobody',
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 240 && elapsed < 1_500, `took ${elapsed} ms`);
  });

  describe('snapshots', () => {
    it('reads fresh snapshots, skips old ones, prunes expired ones', async () => {
      const now = Date.now();
      await publishSnapshot(redis, snapshotB(now), 10_000);
      await publishSnapshot(redis, snapshotA(now), 10_000);
      await publishSnapshot(redis, snapshotA(now - 8_000, 'sup-slow'), 10_000);
      await publishSnapshot(redis, snapshotA(now, 'sup-dead'), 50);
      await sleep(120);
      const read = await readSnapshots(redis, { now });
      assert.deepEqual(read.map((s) => s.supervisorId), ['sup-a', 'sup-b']);
      assert.deepEqual(read[0], snapshotA(now));
      // By heartbeat: the slow one is kept (its key lives), the dead one is gone.
      assert.deepEqual(await redis.zrange(keys.supervisors(), 0, -1), ['sup-slow', 'sup-a', 'sup-b']);
      assert.deepEqual((await readSnapshots(redis, { now, staleAfterMs: 10_000 })).map((s) => s.supervisorId), ['sup-a', 'sup-b', 'sup-slow']);
      await removeSnapshot(redis, 'sup-a');
      assert.deepEqual((await readSnapshots(redis, { now })).map((s) => s.supervisorId), ['sup-b']);
    });
  });
});
