/**
 * Checks a bot token before it is linked, over REST only (no gateway
 * session is opened, nothing is stored): who the bot is and which servers it
 * is in. Discord refusing the token is a `DiscordTokenInvalidError`; Discord
 * being unreachable or limiting us is a `DependencyUnavailableError`.
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { APIPartialGuild, APIUser } from 'discord.js';
import { DependencyUnavailableError, DiscordTokenInvalidError } from '../../errors/registry.ts';
import { DEFAULTS } from '../../../config/defaults.ts';

export interface DiscordBotIdentity {
  botUserId: string;
  username: string;
  servers: Array<{ id: string; name: string }>;
}

export interface ValidateTokenOptions {
  /** REST base. Default `https://discord.com/api` (DISCORD_API_URL's default). */
  apiUrl?: string;
  /** Timeout of each request, ms. Default 10 000. */
  timeoutMs?: number;
}

export async function validateDiscordToken(token: string, options: ValidateTokenOptions = {}): Promise<DiscordBotIdentity> {
  const bare = token.trim().replace(/^Bot\s+/i, '');
  if (bare.length === 0 || /\s/.test(bare)) throw new DiscordTokenInvalidError({});
  const rest = new REST({
    api: options.apiUrl ?? DEFAULTS.DISCORD_API_URL, retries: 0, rejectOnRateLimit: () => true, timeout: options.timeoutMs ?? 10_000,
  }).setToken(bare);
  try {
    const user = await rest.get(Routes.user('@me')) as APIUser;
    const guilds = await rest.get(Routes.userGuilds()) as APIPartialGuild[];
    return { botUserId: user.id, username: user.username, servers: guilds.map((g) => ({ id: g.id, name: g.name })) };
  } catch (error) {
    if (error instanceof DiscordAPIError && error.status === 401) throw new DiscordTokenInvalidError({}, { cause: error });
    throw new DependencyUnavailableError({ dependency: 'Discord', reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
