/**
 * Forum topics, as Telegram places a post: in the topic `top_msg_id`
 * names, else in the topic of the message it replies to (a post "into"
 * topic T replies to T's opening message), else in General. A topic that
 * never existed answers TOPIC_ID_INVALID, a deleted one TOPIC_DELETED, a
 * closed one TOPIC_CLOSED to anyone but the chat's admins. Outside forums
 * topics do not exist and `top_msg_id` is ignored.
 */
import type { Conversation } from './model.ts';
import { fail } from './rpc-fail.ts';
import { Api } from './tl-io.ts';
import type { FakeWorld } from './world.ts';

/** The topic a post by `userId` goes to (undefined: General, or not a forum); throws Telegram's errors. */
export function topicOfPost(world: FakeWorld, userId: string, conversation: Conversation, replyToMsgId: number | undefined, topMsgId: number | undefined): number | undefined {
  if (conversation.kind !== 'channel' || !conversation.forum) return undefined;
  const replied = replyToMsgId === undefined ? undefined : world.viewMessage(userId, conversation, replyToMsgId);
  const topicId = topMsgId ?? replied?.topicId ?? undefined;
  if (topicId === undefined || topicId === 1) return undefined;
  const topic = conversation.topics.get(topicId);
  if (topic === undefined) fail(400, 'TOPIC_ID_INVALID');
  if (topic.deleted) fail(400, 'TOPIC_DELETED');
  if (topic.closed && conversation.creatorId !== userId && !conversation.admins.has(userId)) fail(400, 'TOPIC_CLOSED');
  return topicId;
}

/** `reply_to` of a send, as the two ids it may carry. */
export function replyIds(replyTo: Api.TypeInputReplyTo | undefined): { replyToMsgId?: number; topMsgId?: number } {
  if (!(replyTo instanceof Api.InputReplyToMessage)) return {};
  return { replyToMsgId: replyTo.replyToMsgId, ...(replyTo.topMsgId === undefined ? {} : { topMsgId: replyTo.topMsgId }) };
}
