/**
 * `forwarding_pairs`: "copy messages from this chat to that chat". The account
 * columns point at `telegram_accounts` or `discord_accounts` depending on the
 * platform column, so they carry no foreign key.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { FilterKind } from '../../domain/plans/plan-types.ts';
import { createdAt, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const PLATFORMS = ['telegram', 'discord'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PAIR_STATUSES = ['active', 'paused'] as const;
export type PairStatus = (typeof PAIR_STATUSES)[number];

/** The latest notice about a pair's deliveries (e.g. `forwards_restricted`); `at` is an ISO timestamp. */
export interface DeliveryNotice {
  code: string;
  message: string;
  at: string;
}

/** One filter of a pair as stored; the filter engine owns the meaning of the other fields. */
export type StoredFilter = { kind: FilterKind } & Record<string, unknown>;

export const ForwardingPair = defineEntity({
  name: 'ForwardingPair',
  tableName: 'forwarding_pairs',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('forwarding_pairs_user_id_index'),
    name: p.text(),
    sourcePlatform: p.enum(PLATFORMS),
    sourceAccountId: p.uuid(),
    sourceChatId: p.text(),
    /** A Telegram forum topic of the source chat (the id of the message that opened it); null: the whole chat. */
    sourceTopicId: p.text().nullable(),
    destinationPlatform: p.enum(PLATFORMS),
    destinationAccountId: p.uuid(),
    destinationChatId: p.text(),
    /** The Telegram forum topic to post in; null: the chat itself (General in a forum). */
    destinationTopicId: p.text().nullable(),
    /** Milliseconds to wait before forwarding. Default 0. */
    delayMs: p.integer().default(0),
    /** Send without a notification. Default false. */
    silent: p.boolean().default(false),
    /** Re-post as our own message instead of a native forward. Default false. */
    copyMode: p.boolean().default(false),
    /**
     * Each topic of a Telegram forum source goes to a topic (Telegram forum) or
     * thread (Discord channel) of its own on the destination, opened with the
     * source topic's title the first time it is needed (see topic_links). Default false.
     */
    mapTopics: p.boolean().default(false),
    /** This pair's output may feed other pairs. Default false. */
    chain: p.boolean().default(false),
    /** Applied in order. Default `[]`. */
    filters: p.json<StoredFilter[]>().default('[]'),
    /** Default `active`. */
    status: p.enum(PAIR_STATUSES).default('active'),
    /** Why the pair is paused, e.g. `plan_limit`; null when active or paused by the user. */
    pausedReason: p.text().nullable(),
    /** The latest delivery notice, written by the forwarding runtime; null until there is one. */
    deliveryNotice: p.json<DeliveryNotice>().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  checks: [{ name: 'forwarding_pairs_delay_ms_check', expression: 'delay_ms >= 0' }],
  indexes: [
    // The router's hot lookup: which pairs read the chat a message arrived in.
    { name: 'forwarding_pairs_source_index', properties: ['sourcePlatform', 'sourceAccountId', 'sourceChatId'] },
  ],
});

export type IForwardingPair = InferEntity<typeof ForwardingPair>;
