import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

/** The numbered test messages a destination shows, in its order. */
function numbers(world: ForwardingWorld, channelId: string, tag: string): number[] {
  return world.fake.messages(channelId)
    .map((m) => new RegExp(`${tag} (\\d+)`).exec(m.content)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('forwarding through faults: 429 storms, gateway drops, pauses and restarts (real discord.js, Discord fake)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let reader: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let slow: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let fast: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const ch = { src: '', slowDst: '', fastDst: '' };
  let owner = '';

  before(async () => {
    world = await ForwardingWorld.create('fwd_faults');
    owner = await world.user('elite');
    reader = await world.bot(owner, 'reader');
    slow = await world.bot(owner, 'slow');
    fast = await world.bot(owner, 'fast');
    ch.src = world.channel('src');
    ch.slowDst = world.channel('slow');
    ch.fastDst = world.channel('fast');
    const from = { accountId: reader.accountId, chatId: ch.src };
    await world.pair({ userId: owner, source: from, destination: { accountId: slow.accountId, chatId: ch.slowDst } });
    await world.pair({ userId: owner, source: from, destination: { accountId: fast.accountId, chatId: ch.fastDst } });
    await world.start();
    await world.running(3);
  });

  after(async () => {
    await world?.close();
  });

  it('keeps delivering through one bot while another is in a 429 storm, then delivers the held ones in order, once', async () => {
    const stop = world.fake.rateLimit({ botUserId: slow.botId, forMs: 5_000, retryAfterMs: 1_000 });
    for (const n of range(0, 5)) world.fake.postAsUser(ch.src, { content: `storm ${n}` });
    await waitFor('the other bot delivers all five', () => numbers(world, ch.fastDst, 'storm').length === 5);
    assert.ok(numbers(world, ch.slowDst, 'storm').length < 5, 'the limited bot is still held back');
    await waitFor('the limited bot catches up', () => numbers(world, ch.slowDst, 'storm').length === 5, 20_000);
    stop();
    assert.deepEqual(numbers(world, ch.slowDst, 'storm'), range(0, 5));
    assert.deepEqual(numbers(world, ch.fastDst, 'storm'), range(0, 5));
    const delayed = world.runtime!.queue.metrics().delayed;
    // The held task waits in the scheduler (its pair's later tasks behind it), never in the actor.
    assert.ok(delayed.flood_wait + delayed.retry_backoff >= 1, `the 429 became a scheduler wait: ${JSON.stringify(delayed)}`);
    assert.ok(world.fake.stats().invalid[429] >= 1);
  });

  it('loses nothing when the reading bot\'s gateway drops and resumes', async () => {
    world.fake.dropGateway(reader.botId);
    for (const n of range(0, 5)) world.fake.postAsUser(ch.src, { content: `drop ${n}` });
    await waitFor('all five after the resume', () => numbers(world, ch.fastDst, 'drop').length === 5, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(numbers(world, ch.fastDst, 'drop'), range(0, 5));
  });

  it('catches up what arrived while the reading session was paused, with no gap and no duplicate', async () => {
    world.fake.postAsUser(ch.src, { content: 'pause 0' });
    await waitFor('before the pause', () => numbers(world, ch.fastDst, 'pause').length === 1);
    await world.runtime!.supervisor.pauseSession(reader.accountId);
    for (const n of range(1, 4)) world.fake.postAsUser(ch.src, { content: `pause ${n}` });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(numbers(world, ch.fastDst, 'pause'), [0], 'nothing is read while paused');
    await world.runtime!.supervisor.resumeSession(reader.accountId);
    await waitFor('caught up', () => numbers(world, ch.fastDst, 'pause').length === 4, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(numbers(world, ch.fastDst, 'pause'), range(0, 4));
  });

  it('catches up after the whole supervisor restarts, from the cursor it left in Redis', async () => {
    world.fake.postAsUser(ch.src, { content: 'restart 0' });
    await waitFor('before the restart', () => numbers(world, ch.fastDst, 'restart').length === 1);
    await world.stop();
    for (const n of range(1, 4)) world.fake.postAsUser(ch.src, { content: `restart ${n}` });
    await world.start();
    await world.running(3);
    await waitFor('caught up after restart', () => numbers(world, ch.fastDst, 'restart').length === 4, 20_000);
    // The slow bot's channel may still be in its bucket's window (5 posts per 5 s) from the tests before.
    await waitFor('the other pair caught up', () => numbers(world, ch.slowDst, 'restart').length === 4, 20_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(numbers(world, ch.fastDst, 'restart'), range(0, 4));
    assert.deepEqual(numbers(world, ch.slowDst, 'restart'), range(0, 4));
  });

  it('waits out a destination\'s slowmode (429 code 20016) for that pair only, delivering each message once, in order', async () => {
    // The slowed bot's second pair, into a channel without slowmode, must not wait with the first.
    const other = world.channel('slow-other');
    const otherPair = await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: ch.src }, destination: { accountId: slow.accountId, chatId: other } });
    await world.runtime!.sync!.reconcile();
    await waitFor('the pair is loaded', () => world.runtime!.pairs!.pair(otherPair) !== undefined);
    world.fake.setSlowmode(ch.slowDst, 3);
    world.fake.setPermission(slow.botId, ch.slowDst, 'manage_messages', false);
    world.fake.setPermission(slow.botId, ch.slowDst, 'manage_channels', false);
    const before = world.fake.stats().invalid[429];
    try {
      for (const n of range(0, 3)) world.fake.postAsUser(ch.src, { content: `slowmode ${n}` });
      await waitFor('the slowed bot\'s other pair delivers all three', () => numbers(world, other, 'slowmode').length === 3);
      assert.ok(numbers(world, ch.slowDst, 'slowmode').length < 3, 'the slowmode channel is still held back');
      await waitFor('the slowmode channel gets all three', () => numbers(world, ch.slowDst, 'slowmode').length === 3, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(numbers(world, ch.slowDst, 'slowmode'), range(0, 3));
      assert.deepEqual(numbers(world, other, 'slowmode'), range(0, 3));
      assert.deepEqual(numbers(world, ch.fastDst, 'slowmode'), range(0, 3));
      assert.ok(world.fake.stats().invalid[429] > before, 'Discord refused at least one post under slowmode');
    } finally {
      world.fake.setSlowmode(ch.slowDst, 0);
    }
  });

  it('marks an account revoked when Discord refuses its token, and never restarts it', async () => {
    world.fake.revokeToken(slow.botId);
    world.fake.dropGateway(slow.botId, { abrupt: true });
    const accounts = world.sql.table('discord_accounts');
    let lastError: string | null = null;
    await waitFor('the row says revoked', async () => {
      const [row] = await world.sql.all<{ status: string; last_error: string | null }>(`select status, last_error from ${accounts} where id = ?`, [slow.accountId]);
      lastError = row?.last_error ?? null;
      return row?.status === 'revoked';
    }, 20_000);
    assert.match(lastError ?? '', /4004|401/, 'the account says what Discord answered');
    assert.equal(world.runtime!.supervisor.sessions.get(slow.accountId)?.state, 'revoked');
    await waitFor('the owner is mailed', () => world.mailsTo(owner).length === 1);
    assert.match(world.mailsTo(owner)[0]!.subject, /stopped forwarding with your Discord bot slow/);
    await world.runtime!.sync!.reconcile();
    assert.equal(world.runtime!.supervisor.sessions.get(slow.accountId)?.state, 'revoked', 'a reconcile does not start it again');
    world.fake.postAsUser(ch.src, { content: 'after revoke 0' });
    await waitFor('the other bot still delivers', () => numbers(world, ch.fastDst, 'after revoke').length === 1);

    // The owner links a new token (as the API does: row updated, change announced): the session runs again.
    const bot = world.fake.createBot({ username: 'slow-again' });
    world.fake.addMember(world.guildId, bot.id);
    await world.relink(slow.accountId, bot.token);
    await world.runtime!.sync!.reconcile();
    await waitFor('running again', () => world.runtime!.supervisor.sessions.get(slow.accountId)?.state === 'running', 20_000);
    world.fake.postAsUser(ch.src, { content: 'after revoke 1' });
    await waitFor('delivered by the new token', () => numbers(world, ch.slowDst, 'after revoke').length === 1);
  });

  /** The account's row once it is revoked, with the reason it gives. */
  async function revokedRow(accountId: string): Promise<{ status: string; last_error: string | null }> {
    const accounts = world.sql.table('discord_accounts');
    let row: { status: string; last_error: string | null } | undefined;
    await waitFor('the row says why', async () => {
      [row] = await world.sql.all<{ status: string; last_error: string | null }>(`select status, last_error from ${accounts} where id = ?`, [accountId]);
      return row?.status === 'revoked';
    }, 20_000);
    return row!;
  }

  it('stops an account whose bot lacks the Message Content intent (4014), saying what to enable, and never restarts it', async () => {
    const bot = await world.bot(owner, 'nointent');
    world.fake.setMessageContentIntent(bot.botId, false);
    const dst = world.channel('nointent');
    await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: ch.src }, destination: { accountId: bot.accountId, chatId: dst } });
    await world.runtime!.sync!.reconcile();
    const row = await revokedRow(bot.accountId);
    assert.match(row.last_error ?? '', /4014.*enable the Message Content intent for this bot in the Discord developer portal/);
    assert.equal(world.runtime!.supervisor.sessions.get(bot.accountId)?.state, 'revoked');
    await waitFor('the owner is told what to enable', () => world.mailsTo(owner).some((m) => m.text.includes('Message Content intent')));
    const connections = world.fake.stats().gateway.connections;
    await world.runtime!.sync!.reconcile();
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(world.runtime!.supervisor.sessions.get(bot.accountId)?.state, 'revoked', 'not restarted');
    assert.equal(world.fake.stats().gateway.connections, connections, 'no reconnect loop against the gateway');
  });

  it('stops an account whose bot has no gateway session starts left, saying when they reset, instead of identifying in a loop', async () => {
    const bot = await world.bot(owner, 'nostarts');
    world.fake.setSessionStarts(bot.botId, { remaining: 0 });
    const dst = world.channel('nostarts');
    await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: ch.src }, destination: { accountId: bot.accountId, chatId: dst } });
    const identifies = world.fake.stats().gateway.identifies;
    await world.runtime!.sync!.reconcile();
    const row = await revokedRow(bot.accountId);
    assert.match(row.last_error ?? '', /only 0 more gateway session starts of 1000 until \d{4}-.*start it again after that time/);
    await world.runtime!.sync!.reconcile();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(world.runtime!.supervisor.sessions.get(bot.accountId)?.state, 'revoked', 'not restarted');
    const gateway = world.fake.stats().gateway;
    assert.equal(gateway.identifies, identifies, 'no IDENTIFY spent');
    assert.equal(gateway.identifiesExhausted, 0, 'the token was never put at risk');
  });
});
