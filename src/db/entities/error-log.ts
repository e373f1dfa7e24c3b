/**
 * `error_logs`: failures a user should be able to see (a revoked session, a
 * chat the bot lost access to), as opposed to the operator's log files.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { DiscordAccount } from './discord-account.ts';
import { TelegramAccount } from './telegram-account.ts';
import { User } from './user.ts';

export const ErrorLog = defineEntity({
  name: 'ErrorLog',
  tableName: 'error_logs',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().nullable().deleteRule('cascade'),
    // Unlinking an account keeps its past errors readable.
    telegramAccount: () => p.manyToOne(TelegramAccount).ref().nullable().deleteRule('set null'),
    discordAccount: () => p.manyToOne(DiscordAccount).ref().nullable().deleteRule('set null'),
    /** e.g. `session_revoked`, `chat_forbidden`. */
    errorType: p.text(),
    message: p.text(),
    context: p.json<Record<string, unknown>>().nullable(),
    createdAt: createdAt(),
  },
  indexes: [{ name: 'error_logs_user_id_created_at_index', properties: ['user', 'createdAt'] }],
});

export type IErrorLog = InferEntity<typeof ErrorLog>;
