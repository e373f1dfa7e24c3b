/**
 * A Telegram session started afresh (the supervisor stopped and started, its
 * worker SIGKILLed) resumes from the update state kept with its cursor in
 * Redis: getDifference and getChannelDifference bring what was posted,
 * edited and deleted while it was down, each forwarded once and in order,
 * with no history read. When Telegram no longer has those updates
 * (differenceTooLong, channelDifferenceTooLong) the new messages come from
 * the history instead and the pairs show `catch_up_incomplete`. An album in
 * the difference arrives as one message and is not replayed after. Real
 * supervisor, gramjs and discord.js against both fakes.
 */
import assert from 'node:assert/strict';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('Telegram catch-up from the stored update state (real supervisor, gramjs and discord.js, both fakes)', function () {
  this.timeout(120_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let accountId = '';
  let bot: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let channel: FakeChannel;
  let group: FakeGroup;
  const dst = { channel: '', group: '' };
  const pairIds: string[] = [];

  beforeEach(async () => {
    world = await ForwardingWorld.create('tg_catchup', { telegram: true, unpaced: true });
    tg = world.tg!;
    const owner = await world.user('elite');
    alice = tg.createUser({ phone: '+15550003001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550003002', firstName: 'Bob' });
    channel = tg.createChannel({ title: 'source channel', megagroup: true, members: [alice.id, bob.id], creatorId: bob.id });
    group = tg.createGroup({ title: 'source group', members: [alice.id, bob.id], creatorId: bob.id });
    ({ accountId } = await world.telegramAccount(owner, alice));
    bot = await world.bot(owner, 'relay');
    dst.channel = world.channel('from-channel');
    dst.group = world.channel('from-group');
    pairIds.length = 0;
    for (const [source, destination] of [[channel, dst.channel], [group, dst.group]] as const) {
      pairIds.push(await world.pair({
        userId: owner,
        source: { platform: 'telegram', accountId, chatId: tg.markedId(source) },
        destination: { platform: 'discord', accountId: bot.accountId, chatId: destination },
      }));
    }
    await world.start();
    await world.running(2);
  });

  afterEach(async () => {
    await world?.close();
  });

  /** The copies on Discord, oldest first, as their words. */
  const copies = (destination: string): string[] => world.fake.messages(destination).filter((m) => m.authorId === bot.botId)
    .map((m) => /\b((?:msg|during|lost) \d+(?:, edited)?)/.exec(m.content)?.[1] ?? m.content);

  const stored = (): Promise<Record<string, string>> => world.redis.hgetall(`fwd:cursor:${accountId}`);

  /** Posts msg 1 and msg 2 in both sources and waits for their copies and for the update state to be in Redis. */
  async function forwardTwo(): Promise<{ channel: number[]; group: number[] }> {
    const ids = { channel: [] as number[], group: [] as number[] };
    for (const n of [1, 2]) {
      ids.channel.push(tg.sendAsUser(bob.id, channel, { text: `msg ${n}` }).id);
      ids.group.push(tg.sendAsUser(bob.id, group, { text: `msg ${n}` }).id);
    }
    await waitFor('msg 1 and 2 on Discord', () => copies(dst.channel).length === 2 && copies(dst.group).length === 2, 30_000);
    await waitFor('the update state in Redis', async () => {
      const cursor = await stored();
      return cursor['~pts'] !== undefined && cursor[`~ch:${channel.id}`] !== undefined && cursor[tg.markedId(group)] !== undefined;
    }, 10_000);
    return ids;
  }

  /** While the session is down: msg 3 posted, msg 1 edited, msg 2 deleted, in both sources. */
  function changeWhileDown(ids: { channel: number[]; group: number[] }): void {
    tg.sendAsUser(bob.id, channel, { text: 'during 3' });
    tg.editAsUser(bob.id, channel, ids.channel[0]!, { text: 'msg 1, edited' });
    tg.deleteAsUser(bob.id, channel, [ids.channel[1]!]);
    tg.sendAsUser(bob.id, group, { text: 'during 3' });
    tg.editAsUser(bob.id, group, ids.group[0]!, { text: 'msg 1, edited' });
    tg.deleteAsUser(bob.id, group, [ids.group[1]!]);
  }

  async function caughtUp(): Promise<void> {
    for (const destination of [dst.channel, dst.group]) {
      await waitFor(`the catch-up on ${destination}`, () => copies(destination).join('|') === 'msg 1, edited|during 3', 30_000);
    }
    // Anything sent twice would show by now.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const destination of [dst.channel, dst.group]) {
      assert.deepEqual(copies(destination), ['msg 1, edited', 'during 3'], 'the new message once, after the edited one; the deleted one gone');
    }
  }

  it('after a stop and a start, forwards what was posted, edited and deleted meanwhile, once and in order, from the difference', async () => {
    const ids = await forwardTwo();
    await world.stop();
    changeWhileDown(ids);
    const before = { ...tg.stats().calls };
    await world.start();
    await caughtUp();
    const calls = tg.stats().calls;
    assert.ok((calls['updates.getDifference'] ?? 0) > (before['updates.getDifference'] ?? 0), 'asked for the difference');
    assert.ok((calls['updates.getChannelDifference'] ?? 0) > (before['updates.getChannelDifference'] ?? 0), 'and the channel\'s');
    assert.equal(calls['messages.getHistory'] ?? 0, before['messages.getHistory'] ?? 0, 'no chat read from its history');
    assert.equal(calls['updates.getState'] ?? 0, before['updates.getState'] ?? 0, 'the state came from Redis');

    // Live traffic follows the catch-up.
    tg.sendAsUser(bob.id, channel, { text: 'msg 4' });
    await waitFor('msg 4 live', () => copies(dst.channel).at(-1) === 'msg 4', 20_000);
  });

  it('an album posted while down comes in the difference as one message, is not replayed by the next restart, and an edit after it stays the album\'s', async () => {
    await forwardTwo();
    await world.stop();
    const albums = new Map<FakeChannel | FakeGroup, number[]>();
    for (const source of [channel, group]) {
      const photos = [1, 2, 3].map((n) => tg.storeMedia({ kind: 'photo', data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1_000, n)]) }));
      albums.set(source, tg.sendAlbumAsUser(bob.id, source, photos.map((media, i) => ({ text: i === 0 ? 'album 3' : '', media }))).map((m) => m.id));
      tg.sendAsUser(bob.id, source, { text: 'during 4' });
    }
    await world.start();
    const files = (destination: string) => world.fake.messages(destination).filter((m) => m.authorId === bot.botId).map((m) => m.attachments.length);
    for (const destination of [dst.channel, dst.group]) {
      await waitFor(`the catch-up on ${destination}`, () => copies(destination).at(-1) === 'during 4', 30_000);
      assert.deepEqual(files(destination), [0, 0, 3, 0], 'the album as one message, between its neighbours');
    }
    await world.stop();
    tg.sendAsUser(bob.id, channel, { text: 'during 5' });
    await world.start();
    await waitFor('during 5', () => copies(dst.channel).at(-1) === 'during 5', 30_000);
    assert.deepEqual(files(dst.channel), [0, 0, 3, 0, 0], 'nothing replayed');

    // This session never saw the album (it came before the restart): the edit of its second part reads
    // the album again and edits the copy as the album's, its caption and files kept.
    tg.editAsUser(bob.id, channel, albums.get(channel)![1]!, { text: 'second part captioned' });
    const copy = () => world.fake.messages(dst.channel).find((m) => m.authorId === bot.botId && m.attachments.length === 3)!;
    await waitFor('the album\'s copy edited', () => copy().editedAt !== null, 20_000);
    assert.match(copy().content, /album 3/);
    assert.doesNotMatch(copy().content, /second part/);
    assert.ok((tg.stats().calls['messages.getHistory'] ?? 0) >= 1, 'the album read again');
  });

  it('after the worker is SIGKILLed, its sessions restart elsewhere and catch up from the stored state', async () => {
    const ids = await forwardTwo();
    const supervisor = world.runtime!.supervisor;
    const [worker] = supervisor.workers();
    assert.ok(worker !== undefined);
    // The changes land before the replacement worker (it comes after the orphan grace period) connects.
    process.kill(worker.pid, 'SIGKILL');
    changeWhileDown(ids);
    await caughtUp();
    await world.running(2);
  });

  it('when Telegram no longer has the updates, reads the new messages from the history once and puts catch_up_incomplete on the pairs', async () => {
    await forwardTwo();
    await world.stop();
    tg.sendAsUser(bob.id, channel, { text: 'lost 3' });
    tg.sendAsUser(bob.id, group, { text: 'lost 3' });
    tg.forgetUpdates(alice);
    tg.forgetUpdates(channel);
    const before = tg.stats().calls['messages.getHistory'] ?? 0;
    await world.start();
    for (const destination of [dst.channel, dst.group]) {
      await waitFor(`lost 3 on ${destination}`, () => copies(destination).at(-1) === 'lost 3', 30_000);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    for (const destination of [dst.channel, dst.group]) assert.deepEqual(copies(destination), ['msg 1', 'msg 2', 'lost 3'], 'once, in order');
    assert.ok((tg.stats().calls['messages.getHistory'] ?? 0) > before, 'read from the history');
    const pairs = world.sql.table('forwarding_pairs');
    await waitFor('the notice on both pairs', async () => {
      const rows = await world.sql.all<{ delivery_notice: { code: string } | null }>(`select delivery_notice from ${pairs} where id in (?, ?)`, pairIds);
      return rows.length === 2 && rows.every((r) => r.delivery_notice?.code === 'catch_up_incomplete');
    }, 10_000);

    // The state moved past the gap: the next restart asks for the difference again, with nothing replayed twice.
    await world.stop();
    tg.sendAsUser(bob.id, channel, { text: 'during 4' });
    await world.start();
    await waitFor('during 4', () => copies(dst.channel).at(-1) === 'during 4', 30_000);
    assert.deepEqual(copies(dst.channel), ['msg 1', 'msg 2', 'lost 3', 'during 4']);
  });
});
