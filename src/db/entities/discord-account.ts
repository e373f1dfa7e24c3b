/** `discord_accounts`: a Discord bot a user linked by its token. */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const DISCORD_ACCOUNT_STATUSES = ['active', 'paused', 'revoked', 'error'] as const;
export type DiscordAccountStatus = (typeof DISCORD_ACCOUNT_STATUSES)[number];

/** A guild the bot is in, as last seen. */
export interface DiscordServer {
  id: string;
  name: string;
}

export const DiscordAccount = defineEntity({
  name: 'DiscordAccount',
  tableName: 'discord_accounts',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    /** The bot's Discord user id (snowflake). */
    botUserId: p.text(),
    botUsername: p.text(),
    /** Bot token sealed with SECRET_KEYS. */
    tokenCiphertext: p.text().hidden(),
    /** Guilds the bot is in. Default `[]`. */
    servers: p.json<DiscordServer[]>().default('[]'),
    status: p.enum(DISCORD_ACCOUNT_STATUSES),
    lastError: p.text().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'discord_accounts_user_id_bot_user_id_unique', properties: ['user', 'botUserId'] }],
});

export type IDiscordAccount = InferEntity<typeof DiscordAccount>;
