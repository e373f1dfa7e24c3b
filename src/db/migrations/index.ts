/**
 * Every migration, oldest first; the migrator runs exactly this list. Append
 * new ones at the end, named `<UTC yyyymmddhhmmss>-<what>.ts` so concurrent
 * branches never pick the same name.
 */
import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { InitialSchema } from './20261122000000-initial-schema.ts';
import { AuthTokens } from './20261123000100-auth-tokens.ts';
import { TelegramLogin } from './20261204171700-telegram-login.ts';
import { PairDeliveryNotice } from './20261204184000-pair-delivery-notice.ts';
import { PairTopics } from './20261206020000-pair-topics.ts';
import { TopicLinks } from './20261206050000-topic-links.ts';
import { ChatLinks } from './20261206060000-chat-links.ts';
import { Billing } from './20261207090000-billing.ts';

export const MIGRATIONS: readonly Constructor<Migration>[] = [InitialSchema, AuthTokens, TelegramLogin, PairDeliveryNotice, PairTopics, TopicLinks, ChatLinks, Billing];
