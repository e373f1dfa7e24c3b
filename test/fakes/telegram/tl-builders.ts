/**
 * Records → TL objects, always for one viewer: who is `self`, which message
 * is `out`, the id a message has in the viewer's box, the peer a private
 * message shows (the other party). Also gathers the users and chats a list
 * of messages mentions, which every TL answer carrying messages must include.
 */
import type { ChannelRecord, Conversation, FakeMedia, ForumTopic, GroupRecord, MessageRecord, UserRecord } from './model.ts';
import { DEFAULT_TOPIC_ICON_COLOR } from './model.ts';
import { Api, big } from './tl-io.ts';
import type { BigInteger } from './tl-io.ts';
import type { FakeWorld } from './world.ts';

export function userTl(user: UserRecord, viewerId: string): Api.User {
  const self = user.id === viewerId;
  return new Api.User({
    self,
    id: big(user.id),
    accessHash: big(user.accessHash),
    firstName: user.firstName,
    lastName: user.lastName ?? undefined,
    username: user.username ?? undefined,
    // Telegram shows the phone to the user itself (and contacts, which the fake has none of); bots have none.
    phone: self && user.bot === null ? user.phoneDigits : undefined,
    // bot and bot_info_version share a flag bit: a bot must carry both.
    bot: user.bot !== null || undefined,
    botInfoVersion: user.bot?.infoVersion,
    status: user.bot === null ? new Api.UserStatusRecently({}) : undefined,
  });
}

export function groupTl(group: GroupRecord, viewerId: string): Api.Chat {
  const member = group.members.has(viewerId);
  return new Api.Chat({
    creator: group.creatorId === viewerId,
    left: !member,
    id: big(group.id),
    title: group.title,
    photo: new Api.ChatPhotoEmpty(),
    participantsCount: group.members.size,
    date: group.date,
    version: 1,
  });
}

export function channelTl(channel: ChannelRecord, viewerId: string): Api.Channel {
  const admin = channel.creatorId === viewerId || channel.admins.has(viewerId);
  return new Api.Channel({
    creator: channel.creatorId === viewerId,
    left: !channel.members.has(viewerId),
    broadcast: !channel.megagroup,
    megagroup: channel.megagroup,
    forum: channel.forum || undefined,
    noforwards: channel.noforwards,
    id: big(channel.id),
    accessHash: big(channel.accessHash),
    title: channel.title,
    photo: new Api.ChatPhotoEmpty(),
    date: channel.date,
    participantsCount: channel.members.size,
    adminRights: admin
      ? new Api.ChatAdminRights({ postMessages: true, editMessages: true, deleteMessages: true, changeInfo: true, inviteUsers: true, pinMessages: true })
      : undefined,
  });
}

/** The Peer a conversation shows `viewerId` (a private chat: the other user). */
export function peerTl(conversation: Conversation, viewerId: string): Api.TypePeer {
  if (conversation.kind === 'channel') return new Api.PeerChannel({ channelId: big(conversation.id) });
  if (conversation.kind === 'group') return new Api.PeerChat({ chatId: big(conversation.id) });
  const [a, b] = conversation.userIds;
  return new Api.PeerUser({ userId: big(a === viewerId ? b : a) });
}

/**
 * The reply header: the message answered; in a forum topic, Telegram's
 * shape: `forum_topic` set, `reply_to_msg_id` the topic (or the message
 * answered, with the topic as `reply_to_top_id`).
 */
export function replyHeader(world: FakeWorld, message: MessageRecord, viewerId: string): Api.MessageReplyHeader | undefined {
  const ref = message.replyToRef;
  const target = ref === null ? undefined : world.viewId(viewerId, ref);
  const topic = message.topicId;
  if (topic === null || message.service === 'topicCreate') return target === undefined ? undefined : new Api.MessageReplyHeader({ replyToMsgId: target });
  const answersTopic = target === undefined || target === topic;
  return new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: answersTopic ? topic : target, replyToTopId: answersTopic ? undefined : topic });
}

function topicCreateTl(message: MessageRecord): Api.MessageActionTopicCreate {
  const topic = message.conversation.kind === 'channel' ? message.conversation.topics.get(message.id) : undefined;
  return new Api.MessageActionTopicCreate({
    title: message.text, iconColor: topic?.iconColor ?? DEFAULT_TOPIC_ICON_COLOR, iconEmojiId: emojiIdTl(topic),
  });
}

function emojiIdTl(topic: ForumTopic | undefined): BigInteger | undefined {
  return topic === undefined || topic.iconEmojiId === null ? undefined : big(topic.iconEmojiId);
}

/**
 * A topic as forumTopic shows it to `viewerId`. The fake keeps no read
 * state: a topic reads as read up to its top message, with unread counts 0
 * as in the fake's dialogs.
 */
export function forumTopicTl(topic: ForumTopic, topMessage: number, viewerId: string): Api.ForumTopic {
  return new Api.ForumTopic({
    my: topic.fromId === viewerId || undefined,
    closed: topic.closed || undefined,
    id: topic.id,
    date: topic.date,
    title: topic.title,
    iconColor: topic.iconColor,
    iconEmojiId: emojiIdTl(topic),
    topMessage,
    readInboxMaxId: topMessage,
    readOutboxMaxId: topMessage,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    fromId: new Api.PeerUser({ userId: big(topic.fromId) }),
    notifySettings: new Api.PeerNotifySettings({}),
  });
}

function serviceTl(message: MessageRecord, viewerId: string, id: number, post: boolean): Api.MessageService {
  const conversation = message.conversation;
  const title = conversation.kind === 'private' ? '' : conversation.title;
  const action = message.service === 'chatCreate'
    ? new Api.MessageActionChatCreate({ title, users: [...message.holders].map((u) => big(u)) })
    : message.service === 'topicCreate'
      ? topicCreateTl(message)
      : new Api.MessageActionChannelCreate({ title });
  return new Api.MessageService({
    out: message.fromId === viewerId, post, id, date: message.date, action, peerId: peerTl(conversation, viewerId),
    fromId: post ? undefined : new Api.PeerUser({ userId: big(message.fromId) }),
  });
}

/** The Peer a marked id names ('N' user, '-N' basic group, '-100N' channel). */
function peerOfMarked(marked: string): Api.TypePeer {
  if (marked.startsWith('-100')) return new Api.PeerChannel({ channelId: big(marked.slice(4)) });
  if (marked.startsWith('-')) return new Api.PeerChat({ chatId: big(marked.slice(1)) });
  return new Api.PeerUser({ userId: big(marked) });
}

export function forwardHeaderTl(message: MessageRecord): Api.MessageFwdHeader | undefined {
  const header = message.forwardedFrom;
  if (header === null) return undefined;
  return new Api.MessageFwdHeader({ fromId: peerOfMarked(header.fromId), date: header.date, channelPost: header.channelPost ?? undefined });
}

/** The photo of a stored photo; its one size is what the fake reports for any image (media-store.ts). */
export function photoTl(media: FakeMedia, dcId: number): Api.Photo {
  return new Api.Photo({
    id: big(media.id), accessHash: big(media.accessHash), fileReference: media.fileReference, date: media.date, dcId,
    sizes: [new Api.PhotoSize({ type: 'x', w: 800, h: 800, size: media.data.length })],
  });
}

export function documentTl(media: FakeMedia, dcId: number): Api.Document {
  return new Api.Document({
    id: big(media.id), accessHash: big(media.accessHash), fileReference: media.fileReference, date: media.date, dcId,
    mimeType: media.mimeType, size: big(media.data.length), attributes: [...media.attributes],
  });
}

/** The MessageMedia of a stored file, with the flags Telegram sets from a document's attributes. */
export function mediaTl(media: FakeMedia, dcId = 2): Api.TypeMessageMedia {
  if (media.kind === 'photo') return new Api.MessageMediaPhoto({ photo: photoTl(media, dcId) });
  const video = media.attributes.find((a) => a instanceof Api.DocumentAttributeVideo);
  const voice = media.attributes.some((a) => a instanceof Api.DocumentAttributeAudio && a.voice === true);
  return new Api.MessageMediaDocument({
    document: documentTl(media, dcId), video: video !== undefined || undefined, round: video?.roundMessage === true || undefined, voice: voice || undefined,
  });
}

/** The message as `viewerId` sees it; undefined when it is not in the viewer's box. */
export function messageTl(world: FakeWorld, message: MessageRecord, viewerId: string): Api.Message | Api.MessageService | undefined {
  const id = world.viewId(viewerId, message);
  if (id === undefined) return undefined;
  const conversation = message.conversation;
  const post = conversation.kind === 'channel' && !conversation.megagroup;
  if (message.service !== null) return serviceTl(message, viewerId, id, post);
  return new Api.Message({
    out: message.fromId === viewerId,
    silent: message.silent,
    post,
    noforwards: conversation.kind === 'channel' && conversation.noforwards,
    id,
    // Broadcast posts are signed by the channel, not by the admin who wrote them.
    fromId: post ? undefined : new Api.PeerUser({ userId: big(message.fromId) }),
    peerId: peerTl(conversation, viewerId),
    fwdFrom: forwardHeaderTl(message),
    replyTo: replyHeader(world, message, viewerId),
    date: message.date,
    message: message.text,
    entities: message.entities.length === 0 ? undefined : [...message.entities],
    editDate: message.editDate ?? undefined,
    media: message.media === null ? undefined : mediaTl(message.media),
    groupedId: message.groupedId === null ? undefined : big(message.groupedId),
    replyMarkup: message.replyMarkup ?? undefined,
  });
}

/** Users and chats to send along with messages: senders, mentioned users, the conversations. */
export class Mentioned {
  readonly #world: FakeWorld;
  readonly #viewerId: string;
  readonly #users = new Set<string>();
  readonly #conversations = new Set<GroupRecord | ChannelRecord>();

  constructor(world: FakeWorld, viewerId: string) {
    this.#world = world;
    this.#viewerId = viewerId;
  }

  user(id: string): this {
    this.#users.add(id);
    return this;
  }

  conversation(conversation: Conversation): this {
    if (conversation.kind === 'private') for (const id of conversation.userIds) this.#users.add(id);
    else this.#conversations.add(conversation);
    return this;
  }

  message(message: MessageRecord): this {
    this.conversation(message.conversation);
    this.#users.add(message.fromId);
    // The original's author travels along too, as on Telegram, so the header can be shown.
    const from = message.forwardedFrom?.fromId;
    const channel = from?.startsWith('-100') ? this.#world.channels.get(from.slice(4)) : undefined;
    if (channel !== undefined) this.#conversations.add(channel);
    else if (from !== undefined && !from.startsWith('-')) this.#users.add(from);
    for (const entity of message.entities) {
      if (entity instanceof Api.MessageEntityMentionName) this.#users.add(entity.userId.toString());
    }
    return this;
  }

  users(): Api.User[] {
    return [...this.#users].flatMap((id) => {
      const user = this.#world.users.get(id);
      return user === undefined ? [] : [userTl(user, this.#viewerId)];
    });
  }

  chats(): Array<Api.Chat | Api.Channel> {
    return [...this.#conversations].map((c) => (c.kind === 'group' ? groupTl(c, this.#viewerId) : channelTl(c, this.#viewerId)));
  }
}
