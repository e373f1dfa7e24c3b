/**
 * Shared by the Discord adapter suites: a fake world (bot, guild, channels),
 * adapter clients with their callbacks recorded, outgoing messages.
 */
import { recordingCallbacks, type Reports } from '../../helpers/recording-callbacks.ts';
import { createDiscordRuntime } from '../../../actors/platform/discord/discord-runtime.ts';
import type { DiscordRuntime, DiscordRuntimeOptions } from '../../../actors/platform/discord/discord-runtime.ts';
import { discordClientFactory } from '../../../actors/platform/discord/discord-client.ts';
import type { PlatformCallbacks, PlatformClient } from '../../../actors/platform/platform-client.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import type { DiscordFakeOptions } from '../../fakes/discord/discord-fake.ts';

export interface World {
  fake: DiscordFake;
  bot: { id: string; token: string; username: string };
  guildId: string;
  /** A watched source channel and a destination channel. */
  source: string;
  destination: string;
  runtime: DiscordRuntime;
}

export async function startWorld(fakeOptions: DiscordFakeOptions = {}, runtimeOptions: DiscordRuntimeOptions = {}): Promise<World> {
  // An identify window as Discord's, shortened to 1 s on both sides: the adapter paces its identifies across the
  // clients it replaces, and most tests here open a second client for the bot (5 s each at Discord's length).
  const fake = await DiscordFake.start({ heartbeatIntervalMs: 400, sessionStarts: { windowMs: 1_000 }, ...fakeOptions });
  const bot = fake.createBot({ username: 'relay' });
  const guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
  const source = fake.createChannel(guildId, 'source').id;
  const destination = fake.createChannel(guildId, 'destination').id;
  const runtime = createDiscordRuntime({ apiUrl: fake.apiUrl, readyTimeoutMs: 5_000, identifyWindowMs: 1_000, ...runtimeOptions });
  return { fake, bot, guildId, source, destination, runtime };
}

export { recordingCallbacks, type Reports };

/** An adapter client of `runtime` for the bot `token`. */
export function adapterClient(runtime: DiscordRuntime, token: string, callbacks: PlatformCallbacks): PlatformClient {
  return discordClientFactory(runtime)({ actorId: 'a1', userId: 'u1', credential: token, connectionId: 'c1' }, callbacks);
}

/** An OutgoingMessage with defaults. */
export function outgoing(text: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    text: { text, entities: [] },
    attachments: [],
    silent: false,
    copyMode: false,
    author: { id: 'tg-1', name: 'Alice', avatarUrl: 'https://example.com/alice.png' },
    source: { platform: 'telegram', chatId: '-100', messageId: '1' },
    ...extra,
  };
}
