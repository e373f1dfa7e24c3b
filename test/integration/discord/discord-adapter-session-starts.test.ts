/**
 * The Discord adapter and Discord's gateway session limits, through real
 * discord.js against the fake: a 4009 is resumed (no session start spent),
 * so is a 4008 (discord.js alone would identify), identifies are paced to
 * Discord's window, starts are counted, and a bot with (almost) no starts
 * left stops with a clear error instead of identifying in a loop.
 */
import assert from 'node:assert/strict';
import type { SourceNotice } from '../../../src/runtime-contracts/inbound-message.ts';
import type { DiscordClient } from '../../../actors/platform/discord/discord-client.ts';
import { adapterClient, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';
import { waitFor } from './discord-test-kit.ts';

describe('Discord adapter: gateway session starts', function () {
  this.timeout(30_000);
  let world: World;
  const clients: DiscordClient[] = [];

  function open(): { client: DiscordClient; reports: ReturnType<typeof recordingCallbacks>['reports']; notices: SourceNotice[] } {
    const recorded = recordingCallbacks();
    const notices: SourceNotice[] = [];
    const client = adapterClient(world.runtime, world.bot.token, { ...recorded.callbacks, onNotice: (n) => notices.push(n) }) as DiscordClient;
    clients.push(client);
    return { client, reports: recorded.reports, notices };
  }

  beforeEach(async () => {
    world = await startWorld();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    await world.fake.close();
  });

  it('resumes after a 4009 (session timed out): no new IDENTIFY, the start count stays', async () => {
    const { client, reports } = open();
    await client.connect(null);
    assert.deepEqual(client.sessionStarts(), { started: 1, resumed: 0, remaining: 999, total: 1000 });
    world.fake.dropGateway(world.bot.id, { code: 4009 });
    await waitFor('resumed', () => client.sessionStarts().resumed === 1);
    assert.equal(world.fake.stats().gateway.identifies, 1);
    assert.equal(client.sessionStarts().started, 1);
    assert.equal(await client.ping(), true);
    assert.deepEqual(reports.disconnects, []);
  });

  it('waits out Discord\'s identify window when it reconnects at once, rather than being answered op 9', async () => {
    const { client } = open();
    await client.connect(null);
    await client.disconnect();
    await client.connect(null);
    const stats = world.fake.stats().gateway;
    assert.equal(stats.identifies, 2);
    assert.equal(stats.identifiesTooFast, 0);
    assert.equal(client.sessionStarts().started, 2);
  });

  it('resumes after a 4008 (rate limited), where discord.js alone would identify again', async () => {
    const { client, reports } = open();
    await client.connect(null);
    world.fake.postAsUser(world.source, { content: 'before' });
    await client.watch([world.source]);
    world.fake.dropGateway(world.bot.id, { code: 4008 });
    world.fake.postAsUser(world.source, { content: 'while closed' });
    await waitFor('resumed', () => client.sessionStarts().resumed === 1);
    await waitFor('the missed message', () => reports.inbound.some((m) => (m.payload as { text: { text: string } }).text.text === 'while closed'));
    const stats = world.fake.stats().gateway;
    assert.equal(stats.identifies, 1);
    assert.equal(stats.resumes, 1);
    assert.deepEqual(client.sessionStarts(), { started: 1, resumed: 1, remaining: 999, total: 1000 });
    assert.deepEqual(reports.disconnects, []);
  });

  it('refuses to identify with no session starts left (or only the 5 % reserve): a clear error, no loop, nothing spent', async () => {
    world.fake.setSessionStarts(world.bot.id, { remaining: 0 });
    const { client, reports } = open();
    await client.connect(null);
    assert.equal(reports.rejected.length, 1);
    assert.match(reports.rejected[0]!, /only 0 more gateway session starts of 1000 until .*start it again after that time/);
    await client.connect(null);
    assert.equal(reports.rejected.length, 2, 'a later connect is refused at once');
    assert.equal(world.fake.stats().gateway.identifies, 0);
    assert.equal(world.fake.stats().gateway.identifiesExhausted, 0, 'the token was never put at risk');

    world.fake.setSessionStarts(world.bot.id, { remaining: 50 });
    const reserve = open();
    await reserve.client.connect(null);
    assert.match(reserve.reports.rejected[0]!, /only 50 more/);
    assert.equal(world.fake.stats().gateway.identifies, 0);
  });

  it('warns the watched chats when starts run low, and still connects', async () => {
    world.fake.setSessionStarts(world.bot.id, { remaining: 90 });
    const { client, notices } = open();
    await client.watch([world.source]);
    await client.connect(null);
    assert.equal(notices.length, 1);
    assert.equal(notices[0]!.code, 'discord_session_starts_low');
    assert.deepEqual(notices[0]!.chatIds, [world.source]);
    assert.equal(client.sessionStarts().remaining, 89);
  });
});
