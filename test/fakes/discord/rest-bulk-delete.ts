/**
 * POST /channels/:id/messages/bulk-delete as Discord documents it: 2 to 100
 * ids, none older than 14 days (judged by the snowflake, whether or not the
 * message exists); ids of messages that do not exist count toward the limits
 * and are skipped. The deletion is one MESSAGE_DELETE_BULK on the gateway.
 */
import { ApiError, formError } from './http-io.ts';
import type { ParsedBody } from './http-io.ts';
import type { FakeChannel } from './model.ts';
import { ApiCode, BULK_DELETE_MAX, BULK_DELETE_MAX_AGE_MS, BULK_DELETE_MIN } from './protocol.ts';
import { snowflakeTime } from './snowflake.ts';
import type { FakeState } from './state.ts';

/** Checks the body and deletes; returns the ids that were deleted. */
export function bulkDelete(state: FakeState, channel: FakeChannel, body: ParsedBody, now = Date.now()): string[] {
  const ids = body.json?.messages;
  if (!Array.isArray(ids) || ids.length < BULK_DELETE_MIN || ids.length > BULK_DELETE_MAX) {
    throw formError('messages', 'BASE_TYPE_BAD_LENGTH', `Must be between ${BULK_DELETE_MIN} and ${BULK_DELETE_MAX} in length.`);
  }
  for (const [i, id] of ids.entries()) {
    if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) {
      throw formError(`messages.${i}`, 'NUMBER_TYPE_COERCE', `Value "${String(id)}" is not snowflake.`);
    }
  }
  if ((ids as string[]).some((id) => now - snowflakeTime(id) > BULK_DELETE_MAX_AGE_MS)) {
    throw new ApiError(400, ApiCode.BulkDeleteTooOld, 'You can only bulk delete messages that are under 14 days old.');
  }
  return state.deleteMessages(channel, ids as string[]);
}
