/**
 * One discord.js Client as the adapter runs it: the three intents it needs
 * (guilds, guild messages, message content), caches bounded to what it reads
 * (guilds, channels and threads; no messages, members, users or presences),
 * REST as discord-rest.ts sets it up, and a login that resolves only once the
 * guilds are in, or fails with what went wrong.
 */
import { Client, Events, GatewayIntentBits, Options, Routes } from 'discord.js';
import { DiscordConnectFailedError, DiscordIntentsDisallowedError, DiscordSessionStartsExhaustedError } from '../../../src/errors/registry.ts';
import { restOptions } from './discord-rest.ts';
import type { DiscordRuntime } from './discord-runtime.ts';
import { sessionStartVerdict } from './session-start-budget.ts';
import type { SessionStartLimit } from './session-start-budget.ts';

/** Close code of a gateway that refused the token. */
const AUTHENTICATION_FAILED = 4004;
/** Close code of a gateway that refused a privileged intent the application does not have enabled. */
const DISALLOWED_INTENTS = 4014;

/** A login Discord refused for the token itself (REST 401, or gateway close 4004). */
export class TokenRejectedError extends Error {}

export function makeDiscordClient(runtime: DiscordRuntime): Client {
  const keepSelf = { maxSize: 0, keepOverLimit: (v: { id: string; client: Client }) => v.id === v.client.user?.id };
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
    rest: restOptions(runtime),
    makeCache: Options.cacheWithLimits({
      MessageManager: 0,
      GuildMemberManager: keepSelf,
      UserManager: keepSelf,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      ThreadMemberManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      VoiceStateManager: 0,
      StageInstanceManager: 0,
      GuildInviteManager: 0,
      GuildScheduledEventManager: 0,
      GuildBanManager: 0,
      ApplicationCommandManager: 0,
      AutoModerationRuleManager: 0,
      GuildMessageManager: 0,
      DMMessageManager: 0,
    }),
    sweepers: { ...Options.DefaultSweeperSettings, threads: { interval: 3600, lifetime: 3600 } },
    waitGuildTimeout: Math.min(15_000, Math.floor(runtime.readyTimeoutMs / 2)),
    failIfNotExists: false,
    allowedMentions: { parse: [], repliedUser: false },
  });
  // Without listeners, an 'error' event would throw; the adapter learns of failures through close codes and timeouts.
  client.on(Events.Error, () => {});
  client.on(Events.ShardError, () => {});
  return client;
}

/**
 * The bot's session starts left (`GET /gateway/bot`), read before a login
 * spends one; throws `TokenRejectedError` on 401, and
 * `DiscordSessionStartsExhaustedError` when only the reserve is left.
 */
export async function readSessionStarts(client: Client, token: string): Promise<SessionStartLimit> {
  client.rest.setToken(token);
  let limit: SessionStartLimit;
  try {
    limit = (await client.rest.get(Routes.gatewayBot()) as { session_start_limit: SessionStartLimit }).session_start_limit;
  } catch (error) {
    if (isTokenError(error)) throw new TokenRejectedError('Discord rejected the bot token (401)');
    throw error;
  }
  if (sessionStartVerdict(limit) === 'refuse') {
    throw new DiscordSessionStartsExhaustedError({
      remaining: limit.remaining, total: limit.total, resetsAt: new Date(Date.now() + limit.reset_after).toISOString(),
    });
  }
  return limit;
}

/** Logs in and waits for READY and the guilds; throws `TokenRejectedError`, `DiscordIntentsDisallowedError` or `DiscordConnectFailedError`. */
export async function loginAndWait(client: Client, token: string, timeoutMs: number): Promise<void> {
  let onReady!: () => void;
  let onClosed!: (event: { code: number }) => void;
  let timer: NodeJS.Timeout | undefined;
  const settled = new Promise<void>((resolve, reject) => {
    onReady = () => resolve();
    onClosed = ({ code }) => reject(closeError(code));
    timer = setTimeout(() => reject(new DiscordConnectFailedError({ reason: `not ready within ${timeoutMs} ms` })), timeoutMs);
  });
  client.once(Events.ClientReady, onReady);
  client.on(Events.ShardDisconnect, onClosed);
  try {
    await Promise.all([
      client.login(token).catch((error: unknown) => {
        if (isTokenError(error)) throw new TokenRejectedError('Discord rejected the bot token (401)');
        // @discordjs/ws's words for a close with 4014.
        throw (error as { message?: unknown } | null)?.message === 'Used disallowed intents' ? new DiscordIntentsDisallowedError({}) : error;
      }),
      settled,
    ]);
  } finally {
    clearTimeout(timer);
    client.off(Events.ClientReady, onReady);
    client.off(Events.ShardDisconnect, onClosed);
  }
}

/** What a gateway close during login means: a refused token, refused intents (both permanent), or a failed connect. */
function closeError(code: number): Error {
  if (code === AUTHENTICATION_FAILED) return new TokenRejectedError('Discord closed the gateway with 4004 (authentication failed)');
  if (code === DISALLOWED_INTENTS) return new DiscordIntentsDisallowedError({});
  return new DiscordConnectFailedError({ reason: `the gateway closed with ${code}` });
}

function isTokenError(error: unknown): boolean {
  const e = error as { code?: unknown; status?: unknown; message?: unknown } | null;
  return e?.code === 'TokenInvalid' || e?.status === 401 || e?.message === 'Authentication failed';
}
