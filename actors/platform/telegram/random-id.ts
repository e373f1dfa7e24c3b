/**
 * The `random_id` of every message a send posts: 64 bits of SHA-256 over the
 * task's idempotency key and the part's index. The same task redelivered
 * (a retry, a restored task, a crash between send and ack) asks Telegram
 * with the same random_id, and Telegram answers RANDOM_ID_DUPLICATE instead
 * of posting it again. Pure.
 */
import { createHash } from 'node:crypto';

/** A signed 64-bit random_id (TL `long`), never 0. */
export function randomIdFor(idempotencyKey: string, part: number): bigint {
  const digest = createHash('sha256').update(`${idempotencyKey}\u0000${part}`).digest();
  const id = digest.readBigInt64LE(0);
  // 0 reads as "no random_id" to some servers; one value in 2^64 is not worth a second hash.
  return id === 0n ? 1n : id;
}
