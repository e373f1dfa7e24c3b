/**
 * `telegram_accounts`: a Telegram user account linked by phone login. The
 * row exists from the moment Telegram sent the first code; the session
 * arrives when login completes. A pending row (`pending_code`,
 * `pending_password`) holds a session slot of the plan only until its
 * `login_expires_at`; the API's periodic job removes it after that.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const TELEGRAM_ACCOUNT_STATUSES = ['pending_code', 'pending_password', 'active', 'paused', 'revoked', 'error'] as const;
export type TelegramAccountStatus = (typeof TELEGRAM_ACCOUNT_STATUSES)[number];
/** Statuses of a login in progress. */
export const TELEGRAM_PENDING_STATUSES = ['pending_code', 'pending_password'] as const;

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
    /** Telegram's name for the account (first and last name), as of the login. */
    displayName: p.text().nullable(),
    /** Telegram @username without the @, if it has one, as of the login. */
    username: p.text().nullable(),
    status: p.enum(TELEGRAM_ACCOUNT_STATUSES),
    /** Until when a pending login may complete (and counts against the plan); null once it has. */
    loginExpiresAt: optionalTimestamp(),
    lastError: p.text().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'telegram_accounts_user_id_phone_unique', properties: ['user', 'phone'] }],
  indexes: [{ name: 'telegram_accounts_login_expires_at_index', properties: ['loginExpiresAt'] }],
});

export type ITelegramAccount = InferEntity<typeof TelegramAccount>;
