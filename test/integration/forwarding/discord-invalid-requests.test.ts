/**
 * Discord bans an IP past too many invalid requests; the fake does too
 * (a Cloudflare 429, ip-ban.ts). Two bots of two users in two worker
 * processes of one host each post into a channel where they may not send
 * (403 each time): a window per thread would let each of them reach the
 * host's limit and the fake would ban the host; counted per host, both stop
 * at the host's limit together and the fake never bans. Each pair shows why
 * its messages fail (destination_forbidden). Real supervisor and discord.js.
 */
import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

/** The fake bans at this many invalid requests; the host stops at HOST_LIMIT. */
const BAN_AT = 30;
const HOST_LIMIT = 16;
const PER_BOT = 15;

describe('invalid Discord requests counted per host stop the host before a ban (real processes, discord.js)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  const sources: string[] = [];

  before(async () => {
    world = await ForwardingWorld.create('fwd_invalid', { unpaced: true, discord: { ipBan: { after: BAN_AT } } });
    for (const name of ['one', 'two']) {
      const owner = await world.user('pro');
      const reader = await world.bot(owner, `${name}-reader`);
      const writer = await world.bot(owner, `${name}-writer`);
      const source = world.channel(`${name}-src`);
      const destination = world.channel(`${name}-dst`);
      world.fake.setPermission(writer.botId, destination, 'send', false);
      sources.push(source);
      await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: source }, destination: { accountId: writer.accountId, chatId: destination } });
    }
    // Two sessions per worker: each user's pair of bots fills one, so the users run in two processes
    // whichever worker placement finds the less loaded when the sessions start together.
    await world.start({ workers: 2, maxWorkers: 2, sessionsPerWorker: 2, discordInvalidRequestLimit: HOST_LIMIT });
    await world.running(4);
  });

  after(async () => {
    await world?.close();
  });

  it('both bots stop at the host\'s limit together; the host is never banned', async () => {
    const workers = new Set([...world.runtime!.supervisor.sessions.all()].map((s) => s.workerId));
    assert.equal(workers.size, 2, 'the two users run in two worker processes');
    for (let i = 0; i < PER_BOT; i++) {
      for (const source of sources) world.fake.postAsUser(source, { content: `m${i}` });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const invalid = () => world.fake.stats().invalid[403];
    await waitFor('the host at its limit', () => invalid() >= HOST_LIMIT, 30_000);
    // Give every thread a few syncs to send what it still would.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stats = world.fake.stats();
    assert.equal(stats.ipBans, 0, `banned after ${stats.invalid[403]} invalid requests`);
    assert.ok(stats.invalid[403] < BAN_AT, `${stats.invalid[403]} invalid requests: each worker stopped on the host's count, not its own`);
    assert.ok(stats.invalid[403] < 2 * PER_BOT, 'messages are held back, not all tried');
    // Each pair says why: its bot may not post there.
    const rows = await world.sql.all<{ delivery_notice: { code: string; message: string } | null }>(`select delivery_notice from ${world.sql.table('forwarding_pairs')}`);
    assert.deepEqual(rows.map((r) => r.delivery_notice?.code), ['destination_forbidden', 'destination_forbidden']);
    assert.match(rows[0]!.delivery_notice!.message, /Missing Permissions/);
  });
});
