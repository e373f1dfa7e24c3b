/**
 * The notices waiting for the control bots: a Redis stream that whoever
 * notices something (an API job, the API, a supervisor) appends to, and the
 * bot process reads through a consumer group, acknowledging each notice once
 * it is delivered (or found undeliverable), so a bot killed mid-way delivers
 * it on restart. Publishing checks and sets the notice's once-only key and
 * appends in one script: a notice is neither lost between the two nor sent
 * twice. The stream is trimmed to about `maxLength` entries, so notices for
 * a deployment without a bot cannot grow it for ever.
 */
import type { Redis } from 'ioredis';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import type { ChatNotice, NoticeKind } from './chat-notice.ts';

/** Redis keys, relative to REDIS_KEY_PREFIX. */
export const NOTICE_STREAM = 'notices:outbox';
const DEDUPE_PREFIX = 'notices:sent:';
const GROUP = 'bots';

const PUBLISH = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'notice', ARGV[3])
end
return false`;

const CREATE_GROUP = `return redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')`;

export interface OutboxEntry {
  id: string;
  kind: NoticeKind;
  userId: string;
  text: RichText;
}

export interface NoticeOutboxOptions {
  /** Entries the stream keeps, roughly. Default 10,000. */
  maxLength?: number;
}

export class NoticeOutbox {
  readonly #redis: Redis;
  readonly #maxLength: number;

  constructor(redis: Redis, options: NoticeOutboxOptions = {}) {
    this.#redis = redis;
    this.#maxLength = options.maxLength ?? 10_000;
  }

  /** Appends `notice` unless its once-only key is remembered; true when appended. */
  async publish(notice: ChatNotice): Promise<boolean> {
    const body = JSON.stringify({ kind: notice.kind, userId: notice.userId, text: notice.text });
    const id = await this.#redis.eval(PUBLISH, 2, DEDUPE_PREFIX + notice.dedupeKey, NOTICE_STREAM, notice.dedupeTtlSeconds, this.#maxLength, body);
    return id !== null;
  }

  /** Creates the consumer group (reading from the stream's start) if it is missing. */
  async ensureGroup(): Promise<void> {
    try {
      // Through a script: ioredis does not put its key prefix on XGROUP's key, and does on a script's KEYS.
      await this.#redis.eval(CREATE_GROUP, 1, NOTICE_STREAM, GROUP);
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /**
   * Entries for `consumer`: `pending` re-reads those it was given and never
   * acknowledged (a restart), otherwise new ones, waiting up to `blockMs`.
   */
  async read(consumer: string, options: { pending: boolean; count: number; blockMs: number }): Promise<OutboxEntry[]> {
    const reply = options.pending
      ? await this.#redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', options.count, 'STREAMS', NOTICE_STREAM, '0')
      : await this.#redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', options.count, 'BLOCK', options.blockMs, 'STREAMS', NOTICE_STREAM, '>');
    const streams = (reply ?? []) as Array<[string, Array<[string, string[] | null]>]>;
    const out: OutboxEntry[] = [];
    for (const [, entries] of streams) {
      for (const [id, fields] of entries) {
        const body = fields?.[1];
        // Trimmed away while pending: nothing left to deliver.
        if (body === undefined) {
          out.push({ id, kind: 'usage_warning', userId: '', text: { text: '', entities: [] } });
          continue;
        }
        const parsed = JSON.parse(body) as Omit<OutboxEntry, 'id'>;
        out.push({ id, ...parsed });
      }
    }
    return out;
  }

  async ack(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#redis.xack(NOTICE_STREAM, GROUP, ...ids);
  }
}
