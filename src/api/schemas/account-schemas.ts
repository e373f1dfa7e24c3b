/**
 * Linked accounts as the API shows them. Credentials (bot tokens, session
 * strings) are never part of an answer: the serializers below pick fields,
 * they do not strip them, so a new secret column cannot leak by default.
 */
import { z } from 'zod';
import { DISCORD_ACCOUNT_STATUSES, type IDiscordAccount } from '../../db/entities/discord-account.ts';
import { TELEGRAM_ACCOUNT_STATUSES, type ITelegramAccount } from '../../db/entities/telegram-account.ts';
import { iso, timestampSchema } from './common-schemas.ts';

export const discordAccountSchema = z.object({
  id: z.uuid(),
  botUserId: z.string().describe('The bot\'s Discord user id'),
  botUsername: z.string(),
  servers: z.array(z.object({ id: z.string(), name: z.string() })).describe('Guilds the bot was in when last checked'),
  status: z.enum(DISCORD_ACCOUNT_STATUSES),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export function discordAccountView(a: IDiscordAccount): z.infer<typeof discordAccountSchema> {
  return {
    id: a.id,
    botUserId: a.botUserId,
    botUsername: a.botUsername,
    servers: (a.servers ?? []).map((s) => ({ id: s.id, name: s.name })),
    status: a.status,
    lastError: a.lastError ?? null,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

export const telegramAccountSchema = z.object({
  id: z.uuid(),
  phone: z.string(),
  telegramUserId: z.string().nullable().describe('Known once login completes'),
  displayName: z.string().nullable().describe('The account\'s name on Telegram, as of its login'),
  username: z.string().nullable().describe('Its Telegram @username (without the @), if any'),
  status: z.enum(TELEGRAM_ACCOUNT_STATUSES),
  lastError: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export function telegramAccountView(a: ITelegramAccount): z.infer<typeof telegramAccountSchema> {
  return {
    id: a.id,
    phone: a.phone,
    telegramUserId: a.telegramUserId ?? null,
    displayName: a.displayName ?? null,
    username: a.username ?? null,
    status: a.status,
    lastError: a.lastError ?? null,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** `PATCH` of a linked account: pause or resume it. */
export const accountPatchSchema = z.strictObject({
  status: z.enum(['active', 'paused']).describe('`paused` stops its actor; `active` starts it again (checked against the session limit)'),
});

export const accountDeletedSchema = z.object({
  id: z.uuid(),
  deletedPairIds: z.array(z.uuid()).describe('Pairs that read from or wrote to this account, deleted with it'),
});
