/**
 * The Discord fake's modelled REST rate limits: per-route buckets with
 * `X-RateLimit-*` headers on every answer, 429s shaped as Discord sends them
 * (scope, whole-second `Retry-After`, decimal `retry_after`), the global
 * limit per bot (webhooks exempt), shared limits, discord.js pacing
 * itself from the headers, and the IP ban past too many invalid requests.
 */
import assert from 'node:assert/strict';
import { Routes } from 'discord.js';
import type { Client } from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import type { DiscordFakeOptions } from '../../fakes/discord/discord-fake.ts';
import { readyClient } from './discord-test-kit.ts';

describe('Discord fake rate limits', function () {
  this.timeout(30_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string };
  let channelId: string;
  const clients: Client[] = [];

  async function start(options: DiscordFakeOptions): Promise<void> {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400, ...options });
    bot = fake.createBot({ username: 'relay' });
    const guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
    channelId = fake.createChannel(guildId, 'general').id;
  }

  function post(path: string, body: unknown, token: string | null = bot.token): Promise<Response> {
    return fetch(`${fake.apiUrl}/v10${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bot ${token}` }) },
      body: JSON.stringify(body),
    });
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    await fake.close();
  });

  it('bans the IP Cloudflare-style past the invalid requests it tolerates: everything answers an HTML 429 without Discord\'s headers', async () => {
    await start({ ipBan: { after: 3, banMs: 60_000 } });
    for (let i = 0; i < 3; i++) assert.equal((await post(`/channels/${channelId}/messages`, { content: 'x' }, 'not-a-token')).status, 401);
    const refused = await post(`/channels/${channelId}/messages`, { content: 'fine' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('content-type'), 'text/html');
    assert.equal(refused.headers.get('x-ratelimit-limit'), null);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match(await refused.text(), /error code: 1015/);
    assert.deepEqual([fake.stats().ipBans, fake.stats().ipBanRefused], [1, 1]);
  });

  it('puts X-RateLimit-* on every answer and refuses a burst past the bucket with a user-scoped 429', async () => {
    await start({ rateLimits: { channelMessages: { limit: 3, windowMs: 1_500 } } });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(`/channels/${channelId}/messages`, { content: `m${i}` })));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(ok.length, 3);
    assert.equal(refused.length, 2);
    for (const a of answers) {
      assert.equal(a.headers.get('x-ratelimit-limit'), '3');
      assert.match(a.headers.get('x-ratelimit-bucket') ?? '', /^[0-9a-f]{16}$/);
      assert.ok(Number(a.headers.get('x-ratelimit-reset')) > Date.now() / 1000 - 1);
      assert.ok(Number(a.headers.get('x-ratelimit-reset-after')) <= 1.5);
    }
    assert.deepEqual(ok.map((a) => a.headers.get('x-ratelimit-remaining')).sort(), ['0', '1', '2']);
    const body = await refused[0]!.json() as { retry_after: number; global: boolean; message: string };
    assert.equal(body.global, false);
    assert.ok(body.retry_after > 0 && body.retry_after <= 1.5);
    assert.equal(refused[0]!.headers.get('retry-after'), '2', 'Retry-After is whole seconds, rounded up');
    assert.equal(refused[0]!.headers.get('x-ratelimit-scope'), 'user');
    assert.deepEqual(fake.stats().rateLimited, { user: 2, global: 0, shared: 0 });
    assert.equal(fake.stats().invalid[429], 2);
    assert.equal(fake.messages(channelId).length, 3);
  });

  it('lets discord.js pace a burst from the headers: every message posted, no 429', async () => {
    await start({ rateLimits: { channelMessages: { limit: 3, windowMs: 300 } } });
    const client = await readyClient(fake, bot.token);
    clients.push(client);
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.rest.post(Routes.channelMessages(channelId), { body: { content: `burst ${i}` } })));
    assert.equal(fake.messages(channelId).length, 12);
    assert.deepEqual(fake.stats().rateLimited, { user: 0, global: 0, shared: 0 });
  });

  it('limits a bot globally (X-RateLimit-Global) but not webhook executions; a shared limit is not invalid', async () => {
    await start({ rateLimits: { global: { limit: 4, windowMs: 2_000 }, webhookExecute: { limit: 20, windowMs: 2_000 }, channelShared: { limit: 8, windowMs: 2_000 } } });
    const created = await post(`/channels/${channelId}/webhooks`, { name: 'relay' });
    const hook = await created.json() as { id: string; token: string };
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${bot.token}` } })));
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, 2);
    assert.equal(refused[0]!.headers.get('x-ratelimit-global'), 'true');
    assert.equal(refused[0]!.headers.get('x-ratelimit-scope'), 'global');
    assert.equal(((await refused[0]!.json()) as { global: boolean }).global, true);

    // The bot is globally spent, yet its webhook still posts (executions carry no bot token),
    // up to the channel's shared limit.
    const executed = await Promise.all(Array.from({ length: 10 }, (_, i) => post(`/webhooks/${hook.id}/${hook.token}?wait=true`, { content: `w${i}` }, null)));
    assert.equal(executed.filter((a) => a.status === 200).length, 8);
    const shared = executed.filter((a) => a.status === 429);
    assert.equal(shared.length, 2);
    assert.equal(shared[0]!.headers.get('x-ratelimit-scope'), 'shared');
    const stats = fake.stats();
    assert.deepEqual(stats.rateLimited, { user: 0, global: 2, shared: 2 });
    assert.equal(stats.invalid[429], 2, 'shared 429s are not invalid requests');
  });

  it('models nothing with rateLimits: false', async () => {
    await start({ rateLimits: false });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`/channels/${channelId}/messages`, { content: `m${i}` })));
    assert.ok(answers.every((a) => a.status === 200 && a.headers.get('x-ratelimit-limit') === null));
  });
});
