/**
 * The forwarding supervisor is SIGKILLed while messages stream in; the next
 * one catches the sources up from the cursors in Redis and restores the
 * queue. Every source message must reach the destination exactly once and in
 * order: a task restored after it was sent is recognised by its message link
 * or, when the kill came between the send and the link, by Discord's nonce.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../../helpers/namespace.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

const CHILD = fileURLToPath(new URL('./fixtures/supervisor-child.ts', import.meta.url));
const TOTAL = 150;

function numbers(world: ForwardingWorld, channelId: string): number[] {
  return world.fake.messages(channelId).map((m) => /kill (\d+)/.exec(m.content)?.[1]).filter((n) => n !== undefined).map(Number);
}

describe('forwarding survives a SIGKILL of the supervisor (real processes, real discord.js, Discord fake)', function () {
  this.timeout(120_000);
  let world: ForwardingWorld;
  let child: ChildProcess | null = null;

  afterEach(async () => {
    child?.kill('SIGKILL');
    child = null;
    await world?.close();
  });

  function startChild(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: testEnv({
        DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: world.schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: world.prefix,
        SECRET_KEYS: world.secretKeys, DISCORD_API_URL: world.fake.apiUrl, EXPECT_SESSIONS: '2',
        ORPHAN_SCAN_MS: process.env.ORPHAN_SCAN_MS ?? '1000',
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      proc.on('message', (m: { type?: string }) => { if (m.type === 'ready') resolve(proc); });
      proc.on('exit', (code, signal) => reject(new Error(`supervisor child exited early: ${code ?? signal}`)));
    });
  }

  /** A world where one bot reads `src` and another writes the copies to `dst`, for one Elite user. */
  async function oneBotToAnother(name: string): Promise<{ reader: { accountId: string }; writer: { botId: string }; src: string; dst: string }> {
    // 150 messages into one channel, faster than Discord's 5 posts per 5 s: the fake's rate limits are off.
    world = await ForwardingWorld.create(name, { discord: { rateLimits: false } });
    const owner = await world.user('elite');
    const reader = await world.bot(owner, 'reader');
    const writer = await world.bot(owner, 'writer');
    const src = world.channel('src');
    const dst = world.channel('dst');
    await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: src }, destination: { accountId: writer.accountId, chatId: dst } });
    return { reader, writer, src, dst };
  }

  it('delivers every message once, in order, across the kill', async () => {
    const { src, dst } = await oneBotToAnother('fwd_kill');

    child = await startChild();
    let killed = false;
    for (let n = 0; n < TOTAL; n++) {
      world.fake.postAsUser(src, { content: `kill ${n}` });
      if (!killed && numbers(world, dst).length >= 40) {
        child.kill('SIGKILL');
        killed = true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!killed) {
      // A slow machine: the stream is all posted before 40 arrived; kill as soon as they have.
      await waitFor('40 delivered', () => numbers(world, dst).length >= 40, 30_000);
      child.kill('SIGKILL');
    }
    const afterKill = numbers(world, dst).length;
    assert.ok(afterKill < TOTAL, `messages remained for the next supervisor (${afterKill} delivered at the kill)`);
    child = await startChild();
    await waitFor('every message delivered', () => numbers(world, dst).length >= TOTAL, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(numbers(world, dst), Array.from({ length: TOTAL }, (_, i) => i));
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = null;
  });

  it('reads what came while it was down when killed before a watched chat\'s first message', async () => {
    const { reader, src, dst } = await oneBotToAnother('fwd_first');
    child = await startChild();
    // No message yet: the chat's start is all the cursor has, and it must be in Redis, or the next one starts at the newest.
    await waitFor('the start position durable', async () => (await world.redis.hget(`fwd:cursor:${reader.accountId}`, src)) !== null, 10_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    for (let n = 0; n < 3; n++) world.fake.postAsUser(src, { content: `kill ${n}` });

    child = await startChild();
    await waitFor('what came meanwhile delivered', () => numbers(world, dst).length >= 3, 60_000);
    assert.deepEqual(numbers(world, dst), [0, 1, 2]);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = null;
  });

  it('a supervisor with a new id claims what a killed one had accepted but not yet delivered', async () => {
    const { reader, writer, src, dst } = await oneBotToAnother('fwd_claim');

    child = await startChild();
    // Discord holds the writer back: every message is accepted (the source cursor moves past it) and stays pending.
    const lift = world.fake.rateLimit({ botUserId: writer.botId, route: 'POST /channels/:id/messages', retryAfterMs: 1_000, forMs: 120_000 });
    const posted = Array.from({ length: 20 }, (_, n) => world.fake.postAsUser(src, { content: `kill ${n}` }));
    const last = posted.at(-1)!.id;
    await waitFor('every message accepted', async () => (await world.redis.hget(`fwd:cursor:${reader.accountId}`, src)) === last, 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    assert.equal(numbers(world, dst).length, 0);
    lift();

    // The next supervisor has another id (its pid): catch-up finds nothing after the cursor, so only a claim delivers these.
    child = await startChild();
    await waitFor('every message delivered', () => numbers(world, dst).length >= posted.length, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(numbers(world, dst), Array.from({ length: posted.length }, (_, i) => i));
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = null;
  });
});
