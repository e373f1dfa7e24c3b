/**
 * `message_links` as the forwarding engine uses them: where a source message
 * went per pair, so an edit, a delete or a reply finds its copy, and a
 * redelivered send (same idempotency key) is recognised and skipped.
 */
import type { Sql } from '../../db/raw-sql.ts';
import { WriteBatcher } from '../../scheduler/store/write-batcher.ts';

/**
 * A text[] parameter. MikroORM's `?` binding spreads an array into a list, so
 * arrays travel as one JSON string and are unpacked in SQL.
 */
const TEXT_ARRAY = 'array(select jsonb_array_elements_text(?::jsonb))';

export interface LinkRecord {
  pairId: string;
  sourceChatId: string;
  sourceMessageId: string;
  destinationChatId: string;
  destinationMessageIds: string[];
  idempotencyKey: string;
}

export class MessageLinks {
  readonly #sql: Sql;
  /**
   * Sends finishing together share one INSERT; 0 linger: the first waits one
   * turn of the event loop at most. No longer: the link is written before the
   * ack, and the pair's next message waits for that ack (an edit must find
   * the link), so a linger here would cap how fast one busy chat forwards.
   */
  readonly #inserts = new WriteBatcher<LinkRecord>({ write: (links) => this.#insert(links), lingerMs: 0 });

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /**
   * A source message's copy through one pair: the chat it is in (the pair's
   * destination, or a thread a topic was mapped to) and its message ids;
   * null when it was never delivered.
   */
  async copyOf(pairId: string, sourceChatId: string, sourceMessageId: string): Promise<{ chatId: string; messageIds: string[] } | null> {
    const rows = await this.#sql.all<{ destination_chat_id: string; destination_message_ids: string[] }>(
      `select destination_chat_id, destination_message_ids from ${this.#sql.table('message_links')} where pair_id = ? and source_chat_id = ? and source_message_id = ?`,
      [pairId, sourceChatId, sourceMessageId],
    );
    const row = rows[0];
    return row === undefined ? null : { chatId: row.destination_chat_id, messageIds: row.destination_message_ids };
  }

  /** Whether a send with this key was delivered already. */
  async delivered(idempotencyKey: string): Promise<boolean> {
    const rows = await this.#sql.all(`select 1 from ${this.#sql.table('message_links')} where idempotency_key = ?`, [idempotencyKey]);
    return rows.length > 0;
  }

  /**
   * Records a delivered send, in a group commit with the sends finishing
   * beside it, so a busy supervisor writes a few statements per tick, not one
   * per message. A second record for the same source message (a redelivery
   * racing the first) keeps the first copy's ids.
   */
  record(link: LinkRecord): Promise<void> {
    return this.#inserts.push(link);
  }

  /** Resolves once every link recorded so far is written. */
  flush(): Promise<void> {
    return this.#inserts.flush();
  }

  async #insert(links: LinkRecord[]): Promise<void> {
    const rows = links.map((link) => ({
      pair_id: link.pairId, source_chat_id: link.sourceChatId, source_message_id: link.sourceMessageId,
      destination_chat_id: link.destinationChatId, destination_message_ids: link.destinationMessageIds, idempotency_key: link.idempotencyKey,
    }));
    await this.#sql.all(
      `insert into ${this.#sql.table('message_links')}
         (pair_id, source_chat_id, source_message_id, destination_chat_id, destination_message_ids, idempotency_key)
       select r.pair_id, r.source_chat_id, r.source_message_id, r.destination_chat_id,
              array(select jsonb_array_elements_text(r.destination_message_ids)), r.idempotency_key
         from jsonb_to_recordset(?::jsonb) as r(pair_id uuid, source_chat_id text, source_message_id text,
              destination_chat_id text, destination_message_ids jsonb, idempotency_key text)
       on conflict do nothing`,
      [JSON.stringify(rows)],
    );
  }

  /** After an edit the copy may have more or fewer parts. */
  async replaceCopy(pairId: string, sourceChatId: string, sourceMessageId: string, destinationMessageIds: string[]): Promise<void> {
    await this.#sql.all(
      `update ${this.#sql.table('message_links')} set destination_message_ids = ${TEXT_ARRAY} where pair_id = ? and source_chat_id = ? and source_message_id = ?`,
      [JSON.stringify(destinationMessageIds), pairId, sourceChatId, sourceMessageId],
    );
  }

  /** Finds which pair and source message a destination message is the copy of (chain hops, echo checks). */
  async sourceOfCopy(destinationChatId: string, destinationMessageId: string): Promise<{ pairId: string; sourceChatId: string; sourceMessageId: string } | null> {
    const rows = await this.#sql.all<{ pair_id: string; source_chat_id: string; source_message_id: string }>(
      `select pair_id, source_chat_id, source_message_id from ${this.#sql.table('message_links')}
        where destination_chat_id = ? and ? = any(destination_message_ids) limit 1`,
      [destinationChatId, destinationMessageId],
    );
    const row = rows[0];
    return row ? { pairId: row.pair_id, sourceChatId: row.source_chat_id, sourceMessageId: row.source_message_id } : null;
  }
}
