/**
 * Membership through the real Redis: supervisors see each other join within
 * an interval, a clean stop leaves at once, and a silent one (killed, or cut
 * off from Redis) leaves when its entry expires. Ownership follows the view.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import pino from 'pino';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { readMembers } from '../../../src/cluster/ownership/member-registry.ts';
import { Membership } from '../../../supervisor/membership.ts';
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

  it('refuses an interval not shorter than the ttl, naming the option', () => {
    assert.throws(() => new Membership(redis, { id: 'x', weight: 1 }, logger, { intervalMs: 1_000, ttlMs: 1_000 }), {
      code: 'invalid_option', message: 'options.intervalMs must be less than options.ttlMs',
    });
  });
});
