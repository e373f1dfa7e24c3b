/**
 * What the resource and admin API suites share: a harness whose Discord API
 * is the local Discord fake, bots linked through the real route, a
 * recording wrapper around the runtime notifier, and row counts for the
 * "a refused write changes nothing" checks.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RuntimeChange } from '../../../src/api/api-context.ts';
import { AuditEvent, DiscordAccount, ForwardingPair, TelegramAccount } from '../../../src/db/entities/index.ts';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { startApiHarness, type ApiHarness, type HarnessOptions, type RegisteredUser } from '../../helpers/api-harness.ts';

export interface ResourceWorld {
  h: ApiHarness;
  fake: DiscordFake;
  /** Every change the API announced to the runtime, in order (still published on Redis too). */
  changes: RuntimeChange[];
  close(): Promise<void>;
}

export async function startResourceWorld(options: HarnessOptions = {}): Promise<ResourceWorld> {
  const fake = await DiscordFake.start();
  const h = await startApiHarness({ ...options, env: { DISCORD_API_URL: fake.apiUrl, ...options.env } });
  const changes: RuntimeChange[] = [];
  const real = h.ctx.runtime;
  h.ctx.runtime = {
    async notify(change) {
      changes.push(change);
      await real.notify(change);
    },
  };
  return {
    h,
    fake,
    changes,
    async close() {
      await h.close();
      await fake.close();
    },
  };
}

export interface LinkedBot {
  accountId: string;
  botUserId: string;
  token: string;
  /** Channels of a guild the bot is in. */
  channels: string[];
  guildId: string;
}

/** A bot in a guild of three channels on the fake, linked to `user` through `POST /v1/discord-accounts`. */
export async function linkBot(world: ResourceWorld, user: RegisteredUser): Promise<LinkedBot> {
  const bot = world.fake.createBot({ username: `bot-${randomUUID().slice(0, 8)}` });
  const guild = world.fake.createGuild({ name: 'g', bots: [bot.id] });
  const channels = ['a', 'b', 'c'].map((name) => world.fake.createChannel(guild.id, name).id);
  const res = await world.h.request('post', '/v1/discord-accounts', { token: user.accessToken, body: { token: bot.token } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { accountId: res.body.id, botUserId: bot.id, token: bot.token, channels, guildId: guild.id };
}

/** A pair body between two chats of `bot`. */
export function pairBody(bot: LinkedBot, from = 0, to = 1, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: { platform: 'discord', accountId: bot.accountId, chatId: bot.channels[from] },
    destination: { platform: 'discord', accountId: bot.accountId, chatId: bot.channels[to] },
    ...extra,
  };
}

/** A new text channel in `bot`'s guild, for pairs that need one more distinct chat (pairs are checked with Discord when saved). */
export function channelId(world: ResourceWorld, bot: LinkedBot): string {
  return world.fake.createChannel(bot.guildId, `c${randomUUID().slice(0, 6)}`).id;
}

/** Row counts of `userId`'s resources, to show a refused write left them alone. */
export async function countsOf(world: ResourceWorld, userId: string): Promise<Record<string, number>> {
  const em = world.h.ctx.orm.em.fork();
  return {
    pairs: await em.count(ForwardingPair, { user: userId }),
    discord: await em.count(DiscordAccount, { user: userId }),
    telegram: await em.count(TelegramAccount, { user: userId }),
  };
}

export async function auditOf(world: ResourceWorld, targetId: string): Promise<Array<{ action: string; actor: string | null; ip: string | null; before: unknown; after: unknown }>> {
  const rows = await world.h.ctx.orm.em.fork().find(AuditEvent, { targetId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return rows.map((r) => ({ action: r.action, actor: r.actorUser?.id ?? null, ip: r.ip ?? null, before: r.before, after: r.after }));
}
