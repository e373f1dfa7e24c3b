/**
 * What the demo sets up on the local platforms (the Discord and Telegram
 * fakes the tests use) and in the service (through its API): one user per
 * plan, each with linked accounts and pairs in the directions that plan can
 * run, and a human on each platform to post into the source chats.
 *
 * - Free: one Discord bot, Discord → Discord.
 * - Pro: a Telegram account and a bot, Telegram → Discord.
 * - Elite: a Telegram account and a bot, Discord → Discord (beside Free's, to
 *   compare), Discord → Telegram and Telegram → Telegram. Telegram paces
 *   sends into a group to 20 a minute, so a burst drains there at
 *   Telegram's pace whatever the plan.
 */
import type { Tier } from '../src/domain/plans/plan-types.ts';
import type { DiscordFake } from '../test/fakes/discord/discord-fake.ts';
import type { TelegramFake } from '../test/fakes/telegram/telegram-fake.ts';
import type { FakeGroup, FakeUser } from '../test/fakes/telegram/model.ts';
import type { DemoApi } from './demo-api.ts';

export interface DemoPair {
  tier: Tier;
  label: string;
  /** Posts one message as the human in the source chat. */
  post(text: string): void;
  /** Copies that reached the destination so far. */
  delivered(): number;
}

export interface DemoSignIn {
  tier: Tier | 'admin';
  email: string;
  password: string;
}

interface Platforms {
  discord: DiscordFake;
  telegram: TelegramFake;
  api: DemoApi;
}

let phones = 0;

function telegramUser(p: Platforms, name: string): FakeUser {
  phones += 1;
  return p.telegram.createUser({ phone: `+1555000${String(7000 + phones)}`, firstName: name });
}

/**
 * `user` linked through the API's login flow (phone, then the code the fake
 * sent). Its groups exist before, so the session finds them when it starts.
 */
async function linkTelegram(p: Platforms, token: string, user: FakeUser): Promise<{ accountId: string; user: FakeUser }> {
  const started = await p.api.call<{ id: string }>('POST', '/v1/telegram-accounts', { phone: user.phone }, token);
  const code = p.telegram.lastCode(user.phone);
  if (code === undefined) throw new Error(`demo: the Telegram fake sent no code to ${user.phone}`);
  await p.api.call('POST', `/v1/telegram-accounts/${started.id}/code`, { code }, token);
  return { accountId: started.id, user };
}

/** A bot of the fake in a guild of its own with `channels` channels, linked through the API. */
async function linkBot(p: Platforms, token: string, name: string, channels: number): Promise<{ accountId: string; channelIds: string[] }> {
  const bot = p.discord.createBot({ username: name });
  const guild = p.discord.createGuild({ name: `${name} server`, bots: [bot.id] });
  const channelIds = Array.from({ length: channels }, (_, i) => p.discord.createChannel(guild.id, `channel-${i + 1}`).id);
  const linked = await p.api.call<{ id: string }>('POST', '/v1/discord-accounts', { token: bot.token }, token);
  return { accountId: linked.id, channelIds };
}

export async function seedDemo(p: Platforms, asAdmin: (email: string, password: string) => Promise<string>): Promise<{ pairs: DemoPair[]; signIns: DemoSignIn[] }> {
  const signIns: DemoSignIn[] = [{ tier: 'admin', email: 'admin@demo.switchboard.local', password: 'demo admin password' }];
  const adminToken = await asAdmin(signIns[0]!.email, signIns[0]!.password);
  const human = p.telegram.createUser({ phone: '+15550006999', firstName: 'Human' });
  const humanDc = p.discord.createUser({ username: 'human' });
  const pairs: DemoPair[] = [];

  const user = async (tier: Tier): Promise<string> => {
    const email = `${tier}@demo.switchboard.local`;
    const password = `demo ${tier} password`;
    signIns.push({ tier, email, password });
    const token = await p.api.signUp(email, password);
    const { userId } = await p.api.call<{ userId: string }>('GET', '/v1/auth/whoami', undefined, token);
    if (tier !== 'free') await p.api.call('PUT', `/v1/admin/users/${userId}/plan`, { plan: tier }, adminToken);
    return token;
  };
  const pair = (token: string, source: object, destination: object, name: string) =>
    p.api.call('POST', '/v1/pairs', { name, source, destination }, token);
  const group = (member: FakeUser, title: string): FakeGroup => p.telegram.createGroup({ title, members: [member.id], creatorId: human.id });
  const discordPair = (tier: Tier, label: string, channelId: string, destination: () => number): DemoPair => ({
    tier, label, delivered: destination,
    post: (text) => void p.discord.postAsUser(channelId, { content: text, userId: humanDc.id }),
  });
  const telegramPair = (tier: Tier, label: string, source: FakeGroup, destination: () => number): DemoPair => ({
    tier, label, delivered: destination,
    post: (text) => void p.telegram.sendAsUser(human.id, source, { text }),
  });
  const inChannel = (channelId: string) => () => p.discord.messages(channelId).length;
  const fromAccount = (chat: FakeGroup, account: FakeUser) => () => p.telegram.messages(chat).filter((m) => m.fromId === account.id).length;

  const free = await user('free');
  const freeBot = await linkBot(p, free, 'free-bot', 2);
  await pair(free, { platform: 'discord', accountId: freeBot.accountId, chatId: freeBot.channelIds[0] },
    { platform: 'discord', accountId: freeBot.accountId, chatId: freeBot.channelIds[1] }, 'news → team');
  pairs.push(discordPair('free', 'DC→DC', freeBot.channelIds[0]!, inChannel(freeBot.channelIds[1]!)));

  const pro = await user('pro');
  const proUser = telegramUser(p, 'Pro');
  const proSource = group(proUser, 'pro announcements');
  const proTg = await linkTelegram(p, pro, proUser);
  const proBot = await linkBot(p, pro, 'pro-bot', 1);
  await pair(pro, { platform: 'telegram', accountId: proTg.accountId, chatId: p.telegram.markedId(proSource) },
    { platform: 'discord', accountId: proBot.accountId, chatId: proBot.channelIds[0] }, 'announcements → discord');
  pairs.push(telegramPair('pro', 'TG→DC', proSource, inChannel(proBot.channelIds[0]!)));

  const elite = await user('elite');
  const eliteUser = telegramUser(p, 'Elite');
  const eliteFromDc = group(eliteUser, 'elite from discord');
  const eliteSource = group(eliteUser, 'elite source');
  const eliteMirror = group(eliteUser, 'elite mirror');
  const eliteTg = await linkTelegram(p, elite, eliteUser);
  const eliteBot = await linkBot(p, elite, 'elite-bot', 3);
  await pair(elite, { platform: 'discord', accountId: eliteBot.accountId, chatId: eliteBot.channelIds[1] },
    { platform: 'discord', accountId: eliteBot.accountId, chatId: eliteBot.channelIds[2] }, 'news → team');
  pairs.push(discordPair('elite', 'DC→DC', eliteBot.channelIds[1]!, inChannel(eliteBot.channelIds[2]!)));
  await pair(elite, { platform: 'discord', accountId: eliteBot.accountId, chatId: eliteBot.channelIds[0] },
    { platform: 'telegram', accountId: eliteTg.accountId, chatId: p.telegram.markedId(eliteFromDc) }, 'discord → telegram');
  await pair(elite, { platform: 'telegram', accountId: eliteTg.accountId, chatId: p.telegram.markedId(eliteSource) },
    { platform: 'telegram', accountId: eliteTg.accountId, chatId: p.telegram.markedId(eliteMirror) }, 'telegram → telegram');
  pairs.push(discordPair('elite', 'DC→TG', eliteBot.channelIds[0]!, fromAccount(eliteFromDc, eliteTg.user)));
  pairs.push(telegramPair('elite', 'TG→TG', eliteSource, fromAccount(eliteMirror, eliteTg.user)));
  return { pairs, signIns };
}
