/**
 * The latest delivery notice of each pair (`forwarding_pairs.delivery_notice`),
 * as the adapters report them with their send results; the API shows it on
 * the pair. Written at most once per pair per minute (notice-throttle.ts).
 * A failed write is only logged: the next notice of the pair writes again.
 */
import type { Logger } from 'pino';
import type { SendNotice } from '../../runtime-contracts/actor-contract.ts';
import type { DeliveryNotice } from '../../db/entities/forwarding-pair.ts';
import type { Sql } from '../../db/raw-sql.ts';
import { NoticeThrottle } from './notice-throttle.ts';

export const NOTICE_INTERVAL_MS = 60_000;

export class PairNotices {
  readonly #sql: Sql;
  readonly #log: Logger;
  readonly #throttle = new NoticeThrottle(NOTICE_INTERVAL_MS);

  constructor(sql: Sql, logger: Logger) {
    this.#sql = sql;
    this.#log = logger;
  }

  /** Records `notice` on the pair unless the pair had one written within the last minute. */
  async record(pairId: string, notice: SendNotice, now = Date.now()): Promise<void> {
    if (!this.#throttle.take(pairId, now)) return;
    const value: DeliveryNotice = { code: notice.code, message: notice.message, at: new Date(now).toISOString() };
    try {
      await this.#sql.all(`update ${this.#sql.table('forwarding_pairs')} set delivery_notice = ?::jsonb where id = ?`, [JSON.stringify(value), pairId]);
    } catch (err) {
      this.#log.warn({ err, pairId, code: notice.code }, 'could not record a pair\'s delivery notice');
    }
  }
}
