/**
 * `topic_links`: for a pair that maps a forum's topics (`map_topics`), which
 * destination topic or thread each source topic became, so every later
 * message of the topic lands in the same place and a topic is opened once.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { ForwardingPair } from './forwarding-pair.ts';

export const TopicLink = defineEntity({
  name: 'TopicLink',
  tableName: 'topic_links',
  properties: {
    id: uuidPrimaryKey(),
    pair: () => p.manyToOne(ForwardingPair).ref().deleteRule('cascade'),
    /** The source topic: a Telegram topic id (the id of the message that opened it) or a Discord thread id. */
    sourceTopicId: p.text(),
    /** What it became: a Telegram topic id in the destination forum, or a Discord thread id. */
    destinationTopicId: p.text(),
    /** The title the destination topic was opened with. */
    title: p.text(),
    createdAt: createdAt(),
  },
  uniques: [{ name: 'topic_links_pair_id_source_topic_id_unique', properties: ['pair', 'sourceTopicId'] }],
});

export type ITopicLink = InferEntity<typeof TopicLink>;
