/**
 * `message_links`: which destination messages a source message became, so
 * edits, deletions and replies can follow it, and a redelivered message is
 * recognised (unique idempotency key) instead of being forwarded twice.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { ForwardingPair } from './forwarding-pair.ts';

export const MessageLink = defineEntity({
  name: 'MessageLink',
  tableName: 'message_links',
  properties: {
    id: uuidPrimaryKey(),
    pair: () => p.manyToOne(ForwardingPair).ref().deleteRule('cascade'),
    sourceChatId: p.text(),
    sourceMessageId: p.text(),
    destinationChatId: p.text(),
    /** A long message may be split into several destination messages, in order. */
    destinationMessageIds: p.array(),
    idempotencyKey: p.text().unique('message_links_idempotency_key_unique'),
    createdAt: createdAt(),
  },
  uniques: [
    {
      name: 'message_links_pair_id_source_unique',
      properties: ['pair', 'sourceChatId', 'sourceMessageId'],
    },
  ],
});

export type IMessageLink = InferEntity<typeof MessageLink>;
