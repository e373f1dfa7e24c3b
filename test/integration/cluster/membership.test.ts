/**
 * Membership through the real Redis: supervisors see each other join within
 * an interval, a clean stop leaves at once, and a silent one (killed, or cut
 * off from Redis) leaves when its entry expires. Ownership follows the view.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { readMembers } from '../../../src/cluster/ownership/member-registry.ts';
import { startEmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import { Membership } from '../../../supervisor/membership.ts';
import { freePort } from '../infra/free-port.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { waitFor } from '../supervisor/fixture.ts';

const logger = pino({ level: 'silent' });
let n = 0;

describe('cluster membership (real Redis)', function () {
  this.timeout(20_000);
  let redis: Redis;
  const started: Membership[] = [];

  beforeEach(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: `${TEST_REDIS_PREFIX}members${++n}:` });
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((m) => m.stop()));
    redis.disconnect();
  });

  async function join(id: string, weight: number, ttlMs = 1_500): Promise<Membership> {
    const m = new Membership(redis, { id, weight }, logger, { intervalMs: 100, ttlMs });
    started.push(m);
    await m.start();
    return m;
  }

  const ids = (m: Membership): string[] => m.members().map((x) => x.id);

  it('counts itself at once, and sees a joiner within an interval, with its weight', async () => {
    const a = await join('sup-a', 2);
    assert.deepEqual(ids(a), ['sup-a']);
    const changes: string[][] = [];
    a.on('change', (members) => changes.push(members.map((x) => x.id)));
    const b = await join('sup-b', 6);
    assert.deepEqual(ids(b), ['sup-a', 'sup-b'], 'the joiner reads the members before its first decision');
    await waitFor('a sees b', () => ids(a).length === 2, 5_000);
    assert.deepEqual(changes, [['sup-a', 'sup-b']]);
    assert.deepEqual(a.members(), b.members());
    // Both decide the same owners, and b (three times a's weight) owns about three quarters.
    const users = Array.from({ length: 400 }, (_, i) => `u${i}`);
    assert.deepEqual(users.map((u) => a.ownerOf(u)), users.map((u) => b.ownerOf(u)));
    const ofB = users.filter((u) => b.owns(u)).length;
    assert.ok(ofB > 260 && ofB < 340, `b owns ${ofB} of 400`);
  });

  it('a clean stop leaves at once; the others take everything', async () => {
    const a = await join('sup-a', 1);
    const b = await join('sup-b', 1);
    await waitFor('a sees b', () => ids(a).length === 2, 5_000);
    await b.stop();
    assert.equal(await redis.exists(keys.member('sup-b')), 0);
    await waitFor('a alone', () => ids(a).length === 1, 3_000);
    assert.ok(['x', 'y', 'z'].every((u) => a.owns(u)));
  });

  it('a member that stops heartbeating leaves when its entry expires, not before', async () => {
    const a = await join('sup-a', 1);
    // b heartbeats once, as a killed process would have, and then never again.
    const silent = new Redis(TEST_REDIS_URL, { keyPrefix: `${TEST_REDIS_PREFIX}members${n}:` });
    const b = new Membership(silent, { id: 'sup-b', weight: 1 }, logger, { intervalMs: 100, ttlMs: 1_500 });
    try {
      await b.start();
      silent.disconnect();
      const from = Date.now();
      await waitFor('a sees b', () => ids(a).length === 2, 5_000);
      await waitFor('b expired', () => ids(a).length === 1, 10_000);
      const gone = Date.now() - from;
      assert.ok(gone >= 1_200, `left after ${gone} ms, not before its 1.5 s ttl`);
      assert.deepEqual((await readMembers(redis)).map((m) => m?.id), ['sup-a'], 'the expired id is pruned');
    } finally {
      silent.disconnect();
      await b.stop();
    }
  });

  it('back from an outage that expired every entry, keeps the members it saw for one ttl, so the others have time to heartbeat again', async () => {
    const prefix = `${TEST_REDIS_PREFIX}members${n}:`;
    const [ra, rb] = [new Redis(TEST_REDIS_URL, { keyPrefix: prefix }), new Redis(TEST_REDIS_URL, { keyPrefix: prefix })];
    const a = new Membership(ra, { id: 'sup-a', weight: 1 }, logger, { intervalMs: 100, ttlMs: 1_500 });
    const b = new Membership(rb, { id: 'sup-b', weight: 1 }, logger, { intervalMs: 100, ttlMs: 1_500 });
    try {
      await a.start();
      await b.start();
      await waitFor('a sees b', () => ids(a).length === 2, 5_000);
      const views: string[][] = [];
      a.on('change', (members) => views.push(members.map((x) => x.id)));
      // Redis unreachable for both, longer than the ttl: the entries expire meanwhile (a restarted Redis has none).
      ra.disconnect();
      rb.disconnect();
      await redis.del(keys.member('sup-a'), keys.member('sup-b'));
      await new Promise((r) => setTimeout(r, 2_000));
      await ra.connect();
      await new Promise((r) => setTimeout(r, 700));
      assert.deepEqual(ids(a), ['sup-a', 'sup-b'], 'b, not back yet, still counts');
      await rb.connect();
      await waitFor('b heartbeats again', async () => (await redis.exists(keys.member('sup-b'))) === 1, 5_000);
      await new Promise((r) => setTimeout(r, 1_500));
      assert.deepEqual(views, [], 'no view without b, so no account moved to a and back');

      // One that does not come back leaves a ttl after a is back, as a killed one does.
      ra.disconnect();
      rb.disconnect();
      await redis.del(keys.member('sup-a'), keys.member('sup-b'));
      await new Promise((r) => setTimeout(r, 2_000));
      await ra.connect();
      const backAt = Date.now();
      await waitFor('b gone from a\'s view', () => ids(a).length === 1, 5_000);
      assert.ok(Date.now() - backAt >= 1_200, `left ${Date.now() - backAt} ms after a was back`);
    } finally {
      await a.stop();
      await b.stop();
      ra.disconnect();
      rb.disconnect();
    }
  });

  it('on a Redis just started (a restart), waits for the other members to heartbeat again before its first view', async () => {
    const dir = mkdtempSync(joinPath(tmpdir(), 'sb-members-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    const server = await startEmbeddedRedis({ executable, root: dir, port: await freePort(), logger });
    const fresh = new Redis(server.url, { keyPrefix: `${TEST_REDIS_PREFIX}members-fresh:` });
    try {
      // b was live before the restart; its reconnect brings its entry back 600 ms after Redis started.
      const b = new Membership(fresh, { id: 'sup-b', weight: 1 }, logger, { intervalMs: 100, ttlMs: 1_500 });
      started.push(b);
      const bBack = new Promise<void>((resolve) => setTimeout(() => void b.start().then(resolve), 600));
      const a = new Membership(fresh, { id: 'sup-a', weight: 1 }, logger, { intervalMs: 100, ttlMs: 1_500 });
      started.push(a);
      await a.start();
      assert.deepEqual(ids(a), ['sup-a', 'sup-b'], 'its first view is the cluster\'s, not itself alone');
      await bBack;
    } finally {
      await Promise.all(started.splice(0).map((m) => m.stop()));
      fresh.disconnect();
      await server.stop(2_000);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an interval not shorter than the ttl, naming the option', () => {
    assert.throws(() => new Membership(redis, { id: 'x', weight: 1 }, logger, { intervalMs: 1_000, ttlMs: 1_000 }), {
      code: 'invalid_option', message: 'options.intervalMs must be less than options.ttlMs',
    });
  });
});
