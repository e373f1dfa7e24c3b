import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { LoopbackNetwork } from '../../../actors/platform/loopback/loopback-network.ts';
import { MAX_KEYS_PER_SCRIPT } from '../../../src/cluster/lua-commands.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { localStopDeadline, mustStopBy, SessionLeases } from '../../../src/cluster/session-lease.ts';
import type { SessionLeaseOptions } from '../../../src/cluster/session-lease.ts';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

const PREFIX = `${TEST_REDIS_PREFIX}lease:`;

describe('SessionLeases', function () {
  let redis: Redis;
  let leases: SessionLeases;
  let n = 0;
  /** A session id no other test in this run uses. */
  const sid = (): string => `s${++n}`;

  before(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: PREFIX });
    leases = new SessionLeases(redis, { ttlMs: 300, stopMarginMs: 100 });
  });
  after(() => redis.quit());

  describe('acquire', () => {
    it('grants a free lease with a token and a server-time expiry ttl ahead', async () => {
      const s = sid();
      const [sec, micro] = await redis.time();
      const serverNow = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
      const grant = await leases.acquire(s, 'w1');
      assert.ok(grant);
      assert.equal(grant.sessionId, s);
      assert.equal(grant.owner, 'w1');
      assert.equal(grant.token, 1);
      assert.ok(grant.expiresAt >= serverNow + 300 && grant.expiresAt < serverNow + 300 + 1_000, `${grant.expiresAt} vs ${serverNow}`);
      assert.deepEqual(await leases.holder(s), grant);
      // The hash under the documented key, behind the client's keyPrefix.
      const raw = new Redis(TEST_REDIS_URL);
      try {
        assert.equal(await raw.hget(`${PREFIX}${keys.lease(s)}`, 'owner'), 'w1');
      } finally {
        raw.disconnect();
      }
    });

    it('renews for the same owner, keeping the token and moving the expiry', async () => {
      const s = sid();
      const first = (await leases.acquire(s, 'w1'))!;
      await sleep(20);
      const again = (await leases.acquire(s, 'w1'))!;
      assert.equal(again.token, first.token);
      assert.ok(again.expiresAt > first.expiresAt);
    });

    it('refuses a live lease to another owner until it expires', async () => {
      const s = sid();
      const first = (await leases.acquire(s, 'w1'))!;
      assert.equal(await leases.acquire(s, 'w2'), null);
      assert.equal((await leases.holder(s))?.owner, 'w1');
      await sleep(330);
      assert.equal(await leases.holder(s), null, 'an expired lease has no holder');
      const second = await leases.acquire(s, 'w2');
      assert.ok(second);
      assert.ok(second.token > first.token);
    });

    it('fencing tokens strictly increase across owners, releases and expiries', async () => {
      const s = sid();
      const tokens: number[] = [];
      for (let i = 0; i < 5; i++) {
        const g = (await leases.acquire(s, `w${i}`))!;
        tokens.push(g.token);
        assert.equal(await leases.release(s, g.owner, g.token), true);
      }
      tokens.push((await leases.acquire(s, 'late'))!.token);
      await sleep(330);
      // Even if Redis dropped the lease hash, the counter lives on.
      await redis.del(keys.lease(s));
      tokens.push((await leases.acquire(s, 'later'))!.token);
      for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i]! > tokens[i - 1]!, `tokens ${tokens.join(',')}`);
    });

    it('gives the same owner a new token once its own lease expired', async () => {
      const s = sid();
      const first = (await leases.acquire(s, 'w1'))!;
      await sleep(330);
      const again = (await leases.acquire(s, 'w1'))!;
      assert.ok(again.token > first.token);
    });
  });

  describe('renewMany', () => {
    it('renews held leases and reports lost ones, in one call', async () => {
      const held = (await leases.acquire(sid(), 'w1'))!;
      const takenOver = (await leases.acquire(sid(), 'w1'))!;
      const staleToken = (await leases.acquire(sid(), 'w1'))!;
      const released = (await leases.acquire(sid(), 'w1'))!;
      const neverHeld = { sessionId: sid(), owner: 'w1', token: 1 };
      await leases.release(takenOver.sessionId, 'w1', takenOver.token);
      await leases.acquire(takenOver.sessionId, 'w2');
      await leases.release(staleToken.sessionId, 'w1', staleToken.token);
      const newer = (await leases.acquire(staleToken.sessionId, 'w1'))!;
      await leases.release(released.sessionId, 'w1', released.token);

      const result = await leases.renewMany([held, takenOver, staleToken, released, neverHeld]);
      assert.deepEqual([...result.keys()], [held, takenOver, staleToken, released, neverHeld].map((g) => g.sessionId));
      assert.ok((result.get(held.sessionId) ?? 0) >= held.expiresAt);
      assert.equal(result.get(takenOver.sessionId), null, 'another owner holds it');
      assert.equal(result.get(staleToken.sessionId), null, 'same owner, older token');
      assert.equal(result.get(released.sessionId), null, 'released');
      assert.equal(result.get(neverHeld.sessionId), null, 'never held');
      assert.equal((await leases.holder(takenOver.sessionId))?.owner, 'w2');
      assert.equal((await leases.holder(staleToken.sessionId))?.token, newer.token);
    });

    it('keeps a lease alive past its ttl while renewed, and does not revive an expired one', async () => {
      const g = (await leases.acquire(sid(), 'w1'))!;
      // Renewed every 50 ms against a 300 ms TTL: a stall of 250 ms on a loaded
      // machine is tolerated, and 8 renewals still carry it past the TTL.
      for (let i = 0; i < 8; i++) {
        await sleep(50);
        assert.notEqual((await leases.renewMany([g])).get(g.sessionId), null);
      }
      assert.equal((await leases.holder(g.sessionId))?.token, g.token);
      await sleep(330);
      assert.equal((await leases.renewMany([g])).get(g.sessionId), null);
      assert.equal(await leases.holder(g.sessionId), null);
    });

    it('renews batches larger than one script call, keeping each answer with its lease', async () => {
      const owned = new SessionLeases(redis, { ttlMs: 60_000, stopMarginMs: 1_000 });
      const grants = await Promise.all(Array.from({ length: MAX_KEYS_PER_SCRIPT * 2 + 500 }, () => owned.acquire(sid(), 'bulk')));
      const lostAt = new Set([0, MAX_KEYS_PER_SCRIPT - 1, MAX_KEYS_PER_SCRIPT, MAX_KEYS_PER_SCRIPT * 2 + 499]);
      for (const i of lostAt) await owned.release(grants[i]!.sessionId, 'bulk', grants[i]!.token);
      const result = await owned.renewMany(grants.map((g) => g!));
      assert.equal(result.size, grants.length);
      grants.forEach((g, i) => assert.equal(result.get(g!.sessionId) === null, lostAt.has(i), `lease ${i}`));
      const holders = await owned.holders(grants.map((g) => g!.sessionId));
      grants.forEach((g, i) => assert.equal(holders.get(g!.sessionId) === null, lostAt.has(i), `holder ${i}`));
    });

    it('returns an empty map for no leases', async () => {
      assert.equal((await leases.renewMany([])).size, 0);
    });
  });

  describe('release and forceRelease', () => {
    it('release needs the owner and its token', async () => {
      const g = (await leases.acquire(sid(), 'w1'))!;
      assert.equal(await leases.release(g.sessionId, 'w2', g.token), false);
      assert.equal(await leases.release(g.sessionId, 'w1', g.token + 1), false);
      assert.equal((await leases.holder(g.sessionId))?.owner, 'w1');
      assert.equal(await leases.release(g.sessionId, 'w1', g.token), true);
      assert.equal(await leases.holder(g.sessionId), null);
      assert.equal(await leases.release(g.sessionId, 'w1', g.token), false, 'twice');
      assert.ok(await leases.acquire(g.sessionId, 'w2'), 'free at once after release');
    });

    it('forceRelease frees only a lease the expected owner still holds', async () => {
      const g = (await leases.acquire(sid(), 'worker-a/0'))!;
      assert.equal(await leases.forceRelease(g.sessionId, 'worker-b/0'), false);
      assert.equal((await leases.holder(g.sessionId))?.owner, 'worker-a/0');
      assert.equal(await leases.forceRelease(g.sessionId, 'worker-a/0'), true);
      assert.equal(await leases.holder(g.sessionId), null);
      // The supervisor acting late, after another owner took over, must not free the new holder.
      const next = (await leases.acquire(g.sessionId, 'worker-b/0'))!;
      assert.equal(await leases.forceRelease(g.sessionId, 'worker-a/0'), false);
      assert.equal((await leases.holder(g.sessionId))?.token, next.token);
    });
  });

  describe('holders', () => {
    it('reports many leases in one call, null for free and expired ones', async () => {
      const a = (await leases.acquire(sid(), 'w1'))!;
      const free = sid();
      const expired = (await leases.acquire(sid(), 'w2'))!;
      await sleep(330);
      const b = (await leases.acquire(sid(), 'w3'))!;
      const result = await leases.holders([b.sessionId, free, expired.sessionId, a.sessionId]);
      assert.deepEqual(result.get(b.sessionId), b);
      assert.equal(result.get(free), null);
      assert.equal(result.get(expired.sessionId), null);
      assert.equal(result.get(a.sessionId), null, 'a expired too');
      assert.equal((await leases.holders([])).size, 0);
    });
  });

  describe('deadlines', () => {
    it('mustStopBy is the expiry minus the margin', () => {
      assert.equal(mustStopBy({ expiresAt: 10_000 }, 2_000), 8_000);
    });
    it('the local deadline counts from when the request was sent', () => {
      assert.equal(localStopDeadline(500.5, 10_000, 2_000), 8_500.5);
    });
    it('defaults: ttl 10 s, margin 2 s, renew every third of the ttl', () => {
      const d = new SessionLeases(redis);
      assert.deepEqual([d.ttlMs, d.stopMarginMs, d.renewIntervalMs], [10_000, 2_000, 3_333]);
    });
  });

  describe('options', () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['options', 5, 'options', 'options must be an object'],
      ['ttlMs', { ttlMs: 0 }, 'options.ttlMs', 'options.ttlMs must be a positive integer'],
      ['ttlMs', { ttlMs: 1.5 }, 'options.ttlMs', 'options.ttlMs must be a positive integer'],
      ['stopMarginMs', { ttlMs: 5_000, stopMarginMs: -1 }, 'options.stopMarginMs', 'options.stopMarginMs must be a non-negative integer less than options.ttlMs'],
      ['stopMarginMs', { ttlMs: 1_000 }, 'options.stopMarginMs', 'options.stopMarginMs must be a non-negative integer less than options.ttlMs'],
      ['renewIntervalMs', { renewIntervalMs: 8_000 }, 'options.renewIntervalMs', 'options.renewIntervalMs must be a positive integer less than options.ttlMs - options.stopMarginMs'],
      ['renewIntervalMs', { renewIntervalMs: 0 }, 'options.renewIntervalMs', 'options.renewIntervalMs must be a positive integer less than options.ttlMs - options.stopMarginMs'],
    ];
    for (const [name, options, option, message] of cases) {
      it(`rejects a bad ${name}: "${message}"`, () => {
        assert.throws(() => new SessionLeases(redis, options as SessionLeaseOptions), (err: unknown) => {
          assert.ok(err instanceof InvalidOptionError);
          assert.equal(err.code, 'invalid_option');
          assert.deepEqual(err.details, { option, message });
          assert.equal(err.message, message);
          return true;
        });
      });
    }
  });
});

/**
 * Two processes race for the same sessions, each connecting a session to the
 * loopback network only while holding its lease, while the test SIGKILLs them
 * at random. The network counts every moment a session had two live
 * connections; with leases there must be none.
 *
 * Timing: lease ttl L = 1000 ms, stop margin M = 500 ms, connection ttl
 * C = 300 ms. A holder sends connects and heartbeats only before its local
 * deadline D = s + L - M, where s is when it SENT the acquire or renew that
 * granted the lease; Redis started that lease at some server time >= s, so
 * the lease lasts until >= s + L. A connect or heartbeat sent before D reaches
 * Redis by D + delay and keeps the connection until at most D + delay + C =
 * s + L - (M - C) + delay. So as long as the delay stays under M - C = 200 ms,
 * every connection, including one a SIGKILLed holder leaves behind, expires
 * before the lease does, and the next holder can only connect after that.
 * (Same machine, so one clock; across machines the server clock decides both
 * expiries anyway, and local clocks only measure durations.)
 */
describe('lease race between two processes', function () {
  this.timeout(60_000);
  const CHILD = fileURLToPath(new URL('./fixtures/lease-race-child.ts', import.meta.url));
  const SESSIONS = 20;

  async function race(options: { mode: 'lease' | 'no-lease'; durationMs: number; kill: boolean; suffix: string }) {
    const prefix = `${PREFIX}race-${options.suffix}:`;
    const endAt = Date.now() + options.durationMs;
    const env = {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, SESSIONS: String(SESSIONS), END_AT: String(endAt),
      LEASE_TTL_MS: '1000', STOP_MARGIN_MS: '500', CONN_TTL_MS: '300', HEARTBEAT_MS: '75', MODE: options.mode,
    };
    const failures: string[] = [];
    let kills = 0;
    const exits = new Map<ChildProcess, Promise<void>>();
    const spawnChild = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
      exits.set(child, new Promise((resolve) => {
        child.on('exit', (code, signal) => {
          if (signal !== 'SIGKILL' && code !== 0) failures.push(`child exited ${code ?? signal}: ${stderr}`);
          resolve();
        });
      }));
      return child;
    };
    const children = [spawnChild(), spawnChild()];
    if (options.kill) {
      // Keep killing until shortly before the end, so the last holders finish cleanly.
      while (Date.now() < endAt - 1_500) {
        await sleep(300 + Math.random() * 500);
        const i = Math.random() < 0.5 ? 0 : 1;
        const victim = children[i]!;
        victim.kill('SIGKILL');
        await exits.get(victim);
        kills += 1;
        children[i] = spawnChild();
      }
    }
    await Promise.all([...exits.values()]);
    const redis = new Redis(TEST_REDIS_URL, { keyPrefix: prefix });
    try {
      const stats = await redis.hgetall('race:stats');
      const violations = await new LoopbackNetwork(redis).violations();
      return { failures, kills, cycles: Number(stats.cycles ?? 0), renewed: Number(stats.renewed ?? 0), violations };
    } finally {
      await redis.quit();
    }
  }

  it('control: without leases the network sees two live connections of a session', async () => {
    const r = await race({ mode: 'no-lease', durationMs: 2_500, kill: false, suffix: 'control' });
    assert.deepEqual(r.failures, []);
    assert.ok(Object.keys(r.violations).length > 0, `expected violations, cycles ${r.cycles}`);
  });

  it('with leases, 1,000+ cycles and random SIGKILLs leave no session with two live connections', async () => {
    const r = await race({ mode: 'lease', durationMs: 10_000, kill: true, suffix: 'lease' });
    console.log(`      ${r.cycles} cycles, ${r.kills} kills, ${r.renewed} renewals, violations ${JSON.stringify(r.violations)}`);
    assert.deepEqual(r.failures, []);
    assert.ok(r.cycles + r.kills >= 1_000, `only ${r.cycles} cycles and ${r.kills} kills`);
    assert.ok(r.kills >= 5, `only ${r.kills} kills`);
    assert.ok(r.renewed > 0, 'no lease was ever renewed');
    assert.deepEqual(r.violations, {});
  });
});
