/**
 * Idempotency keys of forwarding tasks. The same source event through the
 * same pair always gets the same key, so a source that re-sends it (after a
 * catch-up, or because the supervisor died before saying "accepted") is a
 * no-op in the scheduler, and a redelivered send is recognised by its message
 * link. Edits carry the edit time: two edits of one message are two tasks.
 */
import type { ForwardOp } from '../../scheduler/core/task.ts';

export function idempotencyKey(pairId: string, op: ForwardOp, sourceChatId: string, sourceMessageId: string, version?: number): string {
  const base = `${pairId}:${op}:${sourceChatId}:${sourceMessageId}`;
  return version === undefined ? base : `${base}:${version}`;
}
