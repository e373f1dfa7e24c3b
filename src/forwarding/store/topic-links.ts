/**
 * `topic_links` as the forwarding engine uses them: which destination topic
 * or thread a source topic became through a pair that maps topics. Read on
 * every message of a mapped topic, so the answers stay in memory. A link
 * never changes once made; a pair whose ends change loses its links (the
 * API deletes them), and the memory here is keyed by both chats, so an
 * answer about the pair's former chats is never used again.
 */
import type { Sql } from '../../db/raw-sql.ts';

/** Links kept in memory; past it the cache starts again (a miss costs one query). */
const CACHE_SIZE = 10_000;

/** A source topic of a pair, with the chats the pair joins now. */
export interface TopicKey {
  pairId: string;
  sourceChatId: string;
  destinationChatId: string;
  sourceTopicId: string;
}

function keyOf(t: TopicKey): string {
  return `${t.pairId}\n${t.sourceChatId}\n${t.destinationChatId}\n${t.sourceTopicId}`;
}

export class TopicLinks {
  readonly #sql: Sql;
  readonly #cache = new Map<string, string>();

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** The destination topic (Telegram) or thread (Discord) `topic.sourceTopicId` became through the pair; null before it was opened. */
  async find(topic: TopicKey): Promise<string | null> {
    const { pairId, sourceTopicId } = topic;
    const key = keyOf(topic);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.#sql.all<{ destination_topic_id: string }>(
      `select destination_topic_id from ${this.#sql.table('topic_links')} where pair_id = ? and source_topic_id = ?`,
      [pairId, sourceTopicId],
    );
    const found = rows[0]?.destination_topic_id ?? null;
    if (found !== null) this.#remember(key, found);
    return found;
  }

  /**
   * Records the topic a send opened. A link already there wins (two
   * supervisors racing on one pair during a handover): the caller gets the
   * link that stands, and posts there from then on.
   */
  async record(topic: TopicKey, destinationTopicId: string, title: string): Promise<string> {
    const { pairId, sourceTopicId } = topic;
    const rows = await this.#sql.all<{ destination_topic_id: string }>(
      `with added as (
         insert into ${this.#sql.table('topic_links')} (pair_id, source_topic_id, destination_topic_id, title)
         values (?, ?, ?, ?) on conflict (pair_id, source_topic_id) do nothing returning destination_topic_id
       )
       select destination_topic_id from added
       union all
       select destination_topic_id from ${this.#sql.table('topic_links')} where pair_id = ? and source_topic_id = ?`,
      [pairId, sourceTopicId, destinationTopicId, title, pairId, sourceTopicId],
    );
    const standing = rows[0]?.destination_topic_id ?? destinationTopicId;
    this.#remember(keyOf(topic), standing);
    return standing;
  }

  #remember(key: string, value: string): void {
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
    this.#cache.set(key, value);
  }
}
