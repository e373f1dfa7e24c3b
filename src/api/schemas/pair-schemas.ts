/**
 * Forwarding pairs as the API takes and shows them. Filters are checked here
 * only for a known `kind`; their full rules (and the plan's say on them) are
 * `validateFilters`', which the routes run next, so one definition governs
 * what the API accepts and what the runtime re-reads.
 */
import { z } from 'zod';
import { PAIR_STATUSES, PLATFORMS, type IForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { FILTER_KINDS, MAX_FILTERS_PER_PAIR } from '../../forwarding/filters/filter-schema.ts';
import { iso, timestampSchema } from './common-schemas.ts';

/** Longest delay a pair may hold messages back: one day. */
export const MAX_DELAY_MS = 24 * 60 * 60 * 1000;

const CHAT_ID_RULES = {
  telegram: { pattern: /^-?[0-9]{1,20}$/, message: 'A Telegram chat id is a whole number, e.g. -1001234567890' },
  discord: { pattern: /^[0-9]{15,21}$/, message: 'A Discord channel id is a snowflake of 15 to 21 digits' },
} as const;

export const pairEndInputSchema = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    accountId: z.uuid({ error: 'Must be the id of one of your linked accounts of this platform' }),
    chatId: z.string().min(1).max(32),
    topicId: z.string().max(10).optional()
      .describe('A Telegram forum topic: the id of the message that opened it (1 is General). On a source only that topic is read; on a destination messages are posted into it. A Discord thread is a channel: name it in chatId'),
  })
  .superRefine((end, refine) => {
    const rule = CHAT_ID_RULES[end.platform];
    if (!rule.pattern.test(end.chatId)) refine.addIssue({ code: 'custom', path: ['chatId'], message: rule.message });
    if (end.topicId === undefined) return;
    if (end.platform !== 'telegram') {
      refine.addIssue({ code: 'custom', path: ['topicId'], message: 'Discord has no topics: a thread is a channel, give its id as chatId' });
    } else if (!/^[1-9][0-9]{0,9}$/.test(end.topicId) || Number(end.topicId) > 2_147_483_647) {
      refine.addIssue({ code: 'custom', path: ['topicId'], message: 'A Telegram topic id is the id of the message that opened the topic, a whole number from 1' });
    }
  });

const filterInput = z.looseObject({ kind: z.enum(FILTER_KINDS) }).describe('One filter; fields by kind, see the filter documentation');

const pairFields = {
  name: z.string().trim().min(1).max(100).describe('Default: "<source> → <destination>"'),
  source: pairEndInputSchema,
  destination: pairEndInputSchema,
  delayMs: z.number().int().min(0).max(MAX_DELAY_MS).describe(`Hold each message this long, 0..${MAX_DELAY_MS} ms; default 0`),
  silent: z.boolean().describe('Deliver without a notification; default false'),
  copyMode: z.boolean().describe('Re-post as our own message instead of a native forward (plan feature); default false'),
  chain: z.boolean().describe('Let this pair\'s deliveries feed the pairs reading its destination (plan feature); default false'),
  mapTopics: z.boolean().describe('Each topic of a Telegram forum source goes to a topic (Telegram forum destination) or thread (Discord channel destination) of its own, opened with the source topic\'s title when its first message is forwarded; General goes to the chat itself. Needs a whole-chat source and destination (no topicId); default false'),
  filters: z.array(filterInput).max(MAX_FILTERS_PER_PAIR).describe('Applied in the engine\'s order; regex, media, replace, template, link and mention filters need advanced filters'),
  status: z.enum(PAIR_STATUSES).describe('Default active'),
};

export const pairCreateSchema = z.strictObject({
  ...pairFields,
  name: pairFields.name.optional(),
  delayMs: pairFields.delayMs.optional(),
  silent: pairFields.silent.optional(),
  copyMode: pairFields.copyMode.optional(),
  chain: pairFields.chain.optional(),
  mapTopics: pairFields.mapTopics.optional(),
  filters: pairFields.filters.optional(),
  status: pairFields.status.optional(),
});

export const pairPatchSchema = z.strictObject(pairFields).partial();

export type PairCreate = z.infer<typeof pairCreateSchema>;
export type PairPatch = z.infer<typeof pairPatchSchema>;

const pairEndSchema = z.object({
  platform: z.enum(PLATFORMS), accountId: z.uuid(), chatId: z.string(),
  topicId: z.string().nullable().describe('The Telegram forum topic this end is limited to; null: the whole chat'),
});

export const pairSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  source: pairEndSchema,
  destination: pairEndSchema,
  delayMs: z.number().int(),
  silent: z.boolean(),
  copyMode: z.boolean(),
  chain: z.boolean(),
  mapTopics: z.boolean(),
  filters: z.array(z.looseObject({ kind: z.string() })),
  status: z.enum(PAIR_STATUSES),
  pausedReason: z.string().nullable().describe('`plan_limit` when paused because the plan shrank; null otherwise'),
  deliveryNotice: z.object({
    code: z.string().describe('e.g. `forwards_restricted`: the source chat protects its content, so messages are copied instead of forwarded (or, without copy mode in the plan, not delivered)'),
    message: z.string(),
    at: timestampSchema,
  }).nullable().describe('The latest notice about how this pair\'s messages are delivered (updated at most once a minute); null when there is none'),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export function pairView(p: IForwardingPair): z.infer<typeof pairSchema> {
  return {
    id: p.id,
    name: p.name,
    source: { platform: p.sourcePlatform, accountId: p.sourceAccountId, chatId: p.sourceChatId, topicId: p.sourceTopicId ?? null },
    destination: { platform: p.destinationPlatform, accountId: p.destinationAccountId, chatId: p.destinationChatId, topicId: p.destinationTopicId ?? null },
    delayMs: p.delayMs,
    silent: p.silent,
    copyMode: p.copyMode,
    chain: p.chain,
    mapTopics: p.mapTopics,
    filters: p.filters,
    status: p.status,
    pausedReason: p.pausedReason ?? null,
    deliveryNotice: p.deliveryNotice ?? null,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
