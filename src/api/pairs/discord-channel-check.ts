/**
 * A pair's Discord ends checked with Discord when the pair is saved: each
 * end's bot reads its channel (GET /channels/{id}, with the bot's token,
 * opened from its sealed column), and the kind rules
 * (discord-channel-kinds.ts) refuse a destination nobody can post to or a
 * source that holds no messages; a channel the bot cannot find (404) or may
 * not see (403) is refused too. When Discord cannot answer (network, a
 * timeout, 5xx, 429) or no longer takes the token (401: the runtime marks
 * the bot revoked), the pair is saved anyway: an outage must not block
 * users, and the runtime's notices on the pair catch what is wrong.
 */
import type { Logger } from 'pino';
import { columnContext, openSecret } from '../../crypto/secret-box.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { IDiscordAccount } from '../../db/entities/discord-account.ts';
import { DiscordChannelForbiddenError, DiscordChannelKindError, DiscordChannelUnknownError } from '../../errors/registry.ts';
import { destinationKindProblem, discordChannelKind, sourceKindProblem } from '../../forwarding/routing/discord-channel-kinds.ts';

export interface DiscordChannelCheckOptions {
  /** Discord's REST base (DISCORD_API_URL). */
  apiUrl: string;
  keyring: Keyring;
  logger: Logger;
  /** Longest wait for Discord's answer, ms, after which the pair is saved unchecked. Default 3,000. */
  timeoutMs?: number;
}

/** One Discord end of a pair: its bot's account, the channel, and where it sits in the request. */
export interface DiscordEndToCheck {
  role: 'source' | 'destination';
  account: Pick<IDiscordAccount, 'id' | 'tokenCiphertext'>;
  chatId: string;
}

type Answer = { status: number; type: number | null } | null;

async function readChannel(options: DiscordChannelCheckOptions, token: string, chatId: string): Promise<Answer> {
  try {
    const response = await fetch(`${options.apiUrl.replace(/\/+$/, '')}/v10/channels/${encodeURIComponent(chatId)}`, {
      headers: { authorization: `Bot ${token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3_000),
    });
    const body = await response.json().catch(() => null) as { type?: unknown } | null;
    return { status: response.status, type: typeof body?.type === 'number' ? body.type : null };
  } catch (error) {
    options.logger.warn({ err: error, chatId }, 'Discord did not answer a pair\'s channel check; the pair is saved unchecked');
    return null;
  }
}

/** Throws the coded refusal for an end whose channel cannot serve it; returns when it can, or when Discord cannot tell now. */
export async function checkDiscordEnd(options: DiscordChannelCheckOptions, end: DiscordEndToCheck): Promise<void> {
  const field = `${end.role}.chatId`;
  let token: string;
  try {
    token = openSecret(options.keyring, end.account.tokenCiphertext, columnContext('discord_accounts', 'token_ciphertext', end.account.id));
  } catch (error) {
    // The runtime cannot run this bot either, and says so on the account: no reason to refuse the pair here.
    options.logger.warn({ err: error, accountId: end.account.id }, 'a Discord bot token could not be opened for a pair\'s channel check; the pair is saved unchecked');
    return;
  }
  const answer = await readChannel(options, token, end.chatId);
  if (answer === null) return;
  if (answer.status === 404) throw new DiscordChannelUnknownError({ field, chatId: end.chatId });
  if (answer.status === 403) throw new DiscordChannelForbiddenError({ field, chatId: end.chatId });
  if (answer.status !== 200 || answer.type === null) {
    options.logger.warn({ status: answer.status, chatId: end.chatId }, 'Discord refused a pair\'s channel check for another reason; the pair is saved unchecked');
    return;
  }
  const kind = discordChannelKind(answer.type);
  const reason = end.role === 'destination' ? destinationKindProblem(kind) : sourceKindProblem(kind);
  if (reason !== null) throw new DiscordChannelKindError({ field, channelType: answer.type, kind, reason });
}
