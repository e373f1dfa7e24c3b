/**
 * `telegram_accounts`: a Telegram user account linked by phone login. The
 * row exists from the first code request; the session arrives when login completes.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const TELEGRAM_ACCOUNT_STATUSES = ['pending_code', 'pending_password', 'active', 'paused', 'revoked', 'error'] as const;
export type TelegramAccountStatus = (typeof TELEGRAM_ACCOUNT_STATUSES)[number];

export const TelegramAccount = defineEntity({
  name: 'TelegramAccount',
  tableName: 'telegram_accounts',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    /** Telegram's user id (64-bit, kept as a string); null until login completes. */
    telegramUserId: p.bigint('string').nullable(),
    phone: p.text(),
    /** GramJS StringSession sealed with SECRET_KEYS; null until login completes. */
    sessionCiphertext: p.text().nullable().hidden(),
    status: p.enum(TELEGRAM_ACCOUNT_STATUSES),
    lastError: p.text().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'telegram_accounts_user_id_phone_unique', properties: ['user', 'phone'] }],
});

export type ITelegramAccount = InferEntity<typeof TelegramAccount>;
