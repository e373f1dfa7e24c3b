/**
 * `chat_links`: a Telegram or Discord identity tied to a Switchboard user, so
 * the control bot knows who is asking (`/link CODE` makes one, `/unlink` or
 * the API removes it). One identity belongs to one user; a user may link
 * several (both platforms, several Telegram accounts).
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { PLATFORMS } from './forwarding-pair.ts';
import { User } from './user.ts';

export const ChatLink = defineEntity({
  name: 'ChatLink',
  tableName: 'chat_links',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('chat_links_user_id_index'),
    platform: p.enum(PLATFORMS),
    /** The platform's user id of the person chatting with the bot (a Telegram user id, a Discord user snowflake). */
    chatUserId: p.text(),
    /** Their name on the platform when they linked, to recognise the link by; null when the platform gave none. */
    displayName: p.text().nullable(),
    createdAt: createdAt(),
  },
  uniques: [{ name: 'chat_links_platform_chat_user_id_unique', properties: ['platform', 'chatUserId'] }],
});

export type IChatLink = InferEntity<typeof ChatLink>;
