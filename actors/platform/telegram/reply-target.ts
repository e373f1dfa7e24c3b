/**
 * Where a post lands in a Telegram chat: as a reply, in a forum topic, both,
 * or neither. Telegram names a topic by the id of the message that opened
 * it: a post into topic T replies to T; a reply inside T names the message
 * it answers and T as `top_msg_id`. General (topic 1) is the chat itself.
 * Pure.
 */
import { Api } from 'telegram';
import type { SendNotice } from '../../../src/runtime-contracts/actor-contract.ts';

const GENERAL = 1;

/** A message id, or undefined for none or a malformed one. */
function idOf(value: string | number | undefined): number | undefined {
  const id = typeof value === 'string' && /^[0-9]{1,10}$/.test(value) ? Number(value) : value;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The topic to post in, as `forwardMessages`' `top_msg_id` takes it; undefined for none or General. */
export function topicMessageId(topicId: string | undefined): number | undefined {
  const id = idOf(topicId);
  return id === GENERAL ? undefined : id;
}

/** `reply_to` for a post answering `replyTo` (a destination message id) in `topicId`. */
export function inputReplyTo(replyTo: string | number | undefined, topicId: string | undefined): Api.InputReplyToMessage | undefined {
  const answer = idOf(replyTo);
  const topic = topicMessageId(topicId);
  if (answer === undefined) return topic === undefined ? undefined : new Api.InputReplyToMessage({ replyToMsgId: topic });
  return new Api.InputReplyToMessage({ replyToMsgId: answer, ...(topic === undefined ? {} : { topMsgId: topic }) });
}

const TOPIC_REFUSALS: Record<string, string> = {
  TOPIC_ID_INVALID: 'does not exist in the destination chat (or the chat is not a forum)',
  TOPIC_DELETED: 'was deleted',
  TOPIC_CLOSED: 'is closed, and the account is not an admin of the chat',
};

/** The pair's notice when the destination of a pair mapping topics is no forum. */
const NOT_A_FORUM: SendNotice = {
  code: 'destination_not_forum',
  message: 'The destination chat is not a forum, so no topic can be opened in it: turn topics on in the group\'s settings, or stop mapping topics on this pair',
};

/** The pair's notice when Telegram refused a post for its topic; null for other refusals. */
export function topicNotice(errorName: string): SendNotice | null {
  if (errorName === 'CHANNEL_FORUM_MISSING') return NOT_A_FORUM;
  const why = TOPIC_REFUSALS[errorName];
  return why === undefined ? null : { code: 'destination_topic_unavailable', message: `The destination topic ${why}: pick another topic or reopen it` };
}
