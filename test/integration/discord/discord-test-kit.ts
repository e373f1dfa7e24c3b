/**
 * Shared by the Discord suites: polling for a condition, and a discord.js
 * Client pointed at a DiscordFake.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import type { ClientOptions } from 'discord.js';
import type { DiscordFake } from '../../fakes/discord/discord-fake.ts';

/** Resolves once `condition` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A logged-in, ready discord.js client of the fake (add it to `clients` so the suite destroys it). */
export async function readyClient(fake: DiscordFake, token: string, options: Partial<ClientOptions> = {}): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    ...options,
    rest: { api: fake.apiUrl, ...options.rest },
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
  return client;
}
