/**
 * Delivers the outbox's notices (notice-outbox.ts) to every chat the user
 * linked on a platform this bot process serves. A notice is acknowledged
 * once each of its chats was tried: a chat that refuses (the user closed
 * their DMs, blocked the bot) is logged and counted, never retried, since a
 * notice is a courtesy the dashboard and the mail repeat. A Redis or
 * database error leaves it unacknowledged, and it is read again from the
 * pending list (at least once: a bot killed between the send and the
 * acknowledgement sends it again on restart).
 */
import type { Logger } from 'pino';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import type { ChatLinks } from '../chat-links.ts';
import type { NoticeOutbox, OutboxEntry } from './notice-outbox.ts';

/** Sends `text` to one chat user of the platform, unasked (a Discord DM, a Telegram private chat). */
export type NoticeSender = (chatUserId: string, text: RichText) => Promise<void>;

export interface NoticeDeliveryOptions {
  outbox: NoticeOutbox;
  links: ChatLinks;
  senders: Partial<Record<'telegram' | 'discord', NoticeSender>>;
  logger: Logger;
  /** The consumer's name in the group; one per bot process. Default `bot`. */
  consumer?: string;
  /** How long a read waits for new notices, ms. Default 5,000. */
  blockMs?: number;
  /** Pause after a failed round (Redis or the database away), ms. Default 1,000. */
  retryMs?: number;
}

export interface DeliveryCounts {
  delivered: number;
  refused: number;
}

export class NoticeDelivery {
  readonly #o: Required<Omit<NoticeDeliveryOptions, 'senders'>> & Pick<NoticeDeliveryOptions, 'senders'>;
  readonly counts: DeliveryCounts = { delivered: 0, refused: 0 };
  #stopping = false;
  #loop: Promise<void> | null = null;

  constructor(options: NoticeDeliveryOptions) {
    this.#o = { consumer: 'bot', blockMs: 5_000, retryMs: 1_000, ...options };
  }

  /** Starts delivering: first what this consumer was given and never acknowledged, then new notices. */
  async start(): Promise<void> {
    await this.#o.outbox.ensureGroup();
    this.#loop = this.#run();
  }

  /** Stops after the round in progress; what it did not acknowledge is read again on the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }

  async #run(): Promise<void> {
    let pending = true;
    while (!this.#stopping) {
      try {
        const entries = await this.#o.outbox.read(this.#o.consumer, { pending, count: 50, blockMs: this.#o.blockMs });
        if (pending && entries.length === 0) pending = false;
        for (const entry of entries) {
          await this.#deliver(entry);
          await this.#o.outbox.ack([entry.id]);
        }
      } catch (err) {
        this.#o.logger.warn({ err }, 'notices not delivered this round; trying again');
        pending = true;
        await new Promise((resolve) => setTimeout(resolve, this.#o.retryMs));
      }
    }
  }

  async #deliver(entry: OutboxEntry): Promise<void> {
    if (entry.userId === '') return;
    for (const link of await this.#o.links.list(entry.userId)) {
      const send = this.#o.senders[link.platform];
      if (send === undefined) continue;
      try {
        await send(link.chatUserId, entry.text);
        this.counts.delivered += 1;
      } catch (err) {
        this.counts.refused += 1;
        this.#o.logger.warn({ err, kind: entry.kind, platform: link.platform, userId: entry.userId }, 'a chat refused a notice');
      }
    }
  }
}
