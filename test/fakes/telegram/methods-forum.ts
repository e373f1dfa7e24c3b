/**
 * Forum topics over RPC: channels.createForumTopic and
 * channels.getForumTopicsByID.
 *
 * Following Telegram's documentation: a supergroup that is not a forum (or
 * a broadcast channel) answers CHANNEL_FORUM_MISSING, a blank title
 * TOPIC_TITLE_EMPTY, an empty id list TOPICS_EMPTY; a topic opens with a
 * messageActionTopicCreate service message whose id is the topic's id, so
 * createForumTopic answers as a channel post is answered (updateMessageID
 * for random_id, then updateNewChannelMessage) and the other members are
 * pushed the service message; a topic that no longer exists comes back
 * from getForumTopicsByID as forumTopicDeleted; id 1 is the General topic.
 *
 * Modelling choices:
 * - Opening topics needs the manage_topics right, which only the creator
 *   and admins have (the fake keeps no per-member rights); anyone else gets
 *   403 CHAT_ADMIN_REQUIRED, the error editForumTopic documents for that
 *   right (for createForumTopic Telegram lists 403 CHAT_WRITE_FORBIDDEN).
 * - A title over 128 characters (Unicode code points: the docs' "maximum
 *   UTF-8 length") answers 400 TOPIC_TITLE_TOO_LONG. Telegram documents no
 *   error for it; the name follows TOPIC_TITLE_EMPTY and MESSAGE_TOO_LONG.
 * - random_id is checked as sendMessage checks it: one the caller used
 *   before, for any send, is 500 RANDOM_ID_DUPLICATE and opens nothing.
 * - icon_color outside the six documented colours gets the default one
 *   (what Telegram does is undocumented); icon_emoji_id is kept as given
 *   (no Premium check); send_as is ignored.
 * - getForumTopicsByID answers the topics in the order asked, each once;
 *   ids that never were topics are left out (Telegram documents
 *   forumTopicDeleted only for topics that "no longer exist"); `count` is
 *   the number of topics answered, `messages` their top messages.
 * - Topics cannot be edited (no messageActionTopicEdit): their title is
 *   the one they were opened with.
 */
import type { ChannelRecord, ForumTopic, MessageRecord } from './model.ts';
import { DEFAULT_TOPIC_ICON_COLOR, TOPIC_ICON_COLORS } from './model.ts';
import { resolveInputChannel } from './peers.ts';
import { fail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { forumTopicTl, Mentioned, messageTl } from './tl-builders.ts';
import { Api } from './tl-io.ts';
import { sentAnswer } from './update-builders.ts';
import type { FakeWorld } from './world.ts';

const TITLE_MAX = 128;
const GENERAL_TOPIC_ID = 1;

/** The forum `input` names, which `userId` must be a member of. */
function forumOf(world: FakeWorld, userId: string, input: unknown): ChannelRecord {
  const channel = resolveInputChannel(world, input);
  if (!channel.members.has(userId)) fail(400, 'CHANNEL_PRIVATE');
  if (!channel.forum) fail(400, 'CHANNEL_FORUM_MISSING');
  return channel;
}

function checkTitle(title: string): void {
  if (title.trim() === '') fail(400, 'TOPIC_TITLE_EMPTY');
  if ([...title].length > TITLE_MAX) fail(400, 'TOPIC_TITLE_TOO_LONG');
}

/** General is no opened topic: the forum's own first message starts it, and nobody can delete it. */
function generalTopic(forum: ChannelRecord): ForumTopic {
  return {
    id: GENERAL_TOPIC_ID, title: 'General', date: forum.date, fromId: forum.creatorId,
    iconColor: DEFAULT_TOPIC_ICON_COLOR, iconEmojiId: null, closed: false, deleted: false,
  };
}

/** The newest live message of a topic; posts in General carry no topic. */
function topMessageOf(forum: ChannelRecord, topicId: number): MessageRecord | undefined {
  const wanted = topicId === GENERAL_TOPIC_ID ? null : topicId;
  for (let i = forum.messages.length - 1; i >= 0; i -= 1) {
    if (forum.messages[i]!.topicId === wanted) return forum.messages[i];
  }
  return undefined;
}

export function registerForumMethods(router: Router, services: FakeServices): void {
  const { world } = services;

  router.on(Api.channels.CreateForumTopic, { login: true }, (request, call) => {
    const forum = forumOf(world, call.userId, request.channel);
    if (forum.creatorId !== call.userId && !forum.admins.has(call.userId)) fail(403, 'CHAT_ADMIN_REQUIRED');
    const randomId = (request.randomId ?? fail(400, 'RANDOM_ID_EMPTY')).toString();
    if (world.user(call.userId).randomIds.has(randomId)) fail(500, 'RANDOM_ID_DUPLICATE');
    checkTitle(request.title);
    // Absent optional fields parse as null, whatever gramjs's types say.
    const color = request.iconColor ?? null;
    const emoji = request.iconEmojiId ?? null;
    const change = world.openTopic(call.userId, forum, {
      title: request.title,
      iconColor: color !== null && TOPIC_ICON_COLORS.includes(color) ? color : DEFAULT_TOPIC_ICON_COLOR,
      ...(emoji === null ? {} : { iconEmojiId: emoji.toString() }),
    }, randomId);
    services.deliver(change, { userId: call.userId, connection: call.connection });
    return sentAnswer(world, change, randomId);
  });

  router.on(Api.channels.GetForumTopicsByID, { login: true }, (request, call) => {
    const forum = forumOf(world, call.userId, request.channel);
    if (request.topics.length === 0) fail(400, 'TOPICS_EMPTY');
    const mentioned = new Mentioned(world, call.userId).conversation(forum);
    const topics: Api.TypeForumTopic[] = [];
    const messages: Api.TypeMessage[] = [];
    for (const id of new Set(request.topics)) {
      const topic = id === GENERAL_TOPIC_ID ? generalTopic(forum) : forum.topics.get(id);
      if (topic === undefined) continue;
      if (topic.deleted) {
        topics.push(new Api.ForumTopicDeleted({ id }));
        continue;
      }
      const top = topMessageOf(forum, id);
      topics.push(forumTopicTl(topic, top?.id ?? id, call.userId));
      mentioned.user(topic.fromId);
      if (top === undefined) continue;
      mentioned.message(top);
      messages.push(messageTl(world, top, call.userId)!);
    }
    return new Api.messages.ForumTopics({
      count: topics.length, topics, messages, chats: mentioned.chats(), users: mentioned.users(), pts: forum.log.pts,
    });
  });
}
