/**
 * The fake's world: users, basic groups, channels, private chats and their
 * messages, all in memory, and the pts bookkeeping every change makes;
 * bots are users with a bot record (bots.ts). It checks nothing a client
 * could get wrong (access rules live with the RPC handlers) and sends
 * nothing: each change is returned as a Change for the caller to answer
 * and push.
 */
import { randomBytes } from 'node:crypto';
import type {
  ChannelRecord, Conversation, GroupRecord, MessageRecord, NewMessageInput, PrivateRecord, UserRecord,
} from './model.ts';
import { DEFAULT_TOPIC_ICON_COLOR } from './model.ts';
import { newBotState, noteContact } from './bots.ts';
import { buttonsOf } from './reply-markup.ts';
import { MediaStore } from './media-store.ts';
import { UpdateLog } from './update-log.ts';

/** A new or edited message; pts are per recipient user (common box) or the channel's. */
export interface MessageChange {
  readonly kind: 'new' | 'edit';
  readonly message: MessageRecord;
  readonly userPts: ReadonlyMap<string, number>;
  readonly channelPts: number | null;
}

export interface DeleteChange {
  readonly kind: 'delete';
  /** Per holder of deleted messages: the ids in its box and its new pts. */
  readonly perUser: ReadonlyMap<string, { ids: number[]; pts: number; ptsCount: number }>;
  readonly channel: { channel: ChannelRecord; ids: number[]; pts: number; ptsCount: number } | null;
}

export type Change = MessageChange | DeleteChange;

const RANDOM_IDS_KEPT = 10_000;

function randomHash(): string {
  return randomBytes(8).readBigInt64LE(0).toString();
}

export class FakeWorld {
  readonly users = new Map<string, UserRecord>();
  readonly usersByPhone = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  /** Uploads in progress and the photos and documents made of them. */
  readonly files = new MediaStore();
  readonly #privates = new Map<string, PrivateRecord>();
  readonly #maxUpdatesKept: number;
  #nextUserId = 1_000_000_001;
  #nextGroupId = 900_000_001;
  #nextChannelId = 1_800_000_001;
  #seq = 0;

  constructor(options: { maxUpdatesKept: number }) {
    this.#maxUpdatesKept = options.maxUpdatesKept;
  }

  /** A person (by phone), or with `bot` a bot account (no phone: bots.ts). */
  createUser(input: { phone: string; firstName: string; lastName?: string; username?: string; password?: string; bot?: boolean }): UserRecord {
    const isBot = input.bot === true;
    const phoneDigits = isBot ? '' : input.phone.replace(/\D/g, '');
    if (!isBot && phoneDigits.length < 5) throw new Error(`not a phone number: ${input.phone}`);
    if (this.usersByPhone.has(phoneDigits)) throw new Error(`a user with phone ${input.phone} exists already`);
    const id = String(this.#nextUserId++);
    const user: UserRecord = {
      kind: 'user', id, accessHash: randomHash(), phone: isBot ? '' : input.phone, phoneDigits,
      firstName: input.firstName, lastName: input.lastName ?? null, username: input.username ?? null,
      password: input.password ?? null, srp: null, banned: false, date: now(),
      log: new UpdateLog(this.#maxUpdatesKept), nextBoxId: 1, box: new Map(), randomIds: new Map(), conversations: new Set(),
      bot: isBot ? newBotState(id) : null,
    };
    this.users.set(user.id, user);
    if (!isBot) this.usersByPhone.set(phoneDigits, user);
    return user;
  }

  /** A basic group and its opening service message (to deliver to those connected). */
  createGroup(input: { title: string; members: readonly string[]; creatorId: string }): { group: GroupRecord; change: MessageChange } {
    const group: GroupRecord = {
      kind: 'group', id: String(this.#nextGroupId++), title: input.title, creatorId: this.user(input.creatorId).id,
      members: new Set([input.creatorId, ...input.members.map((id) => this.user(id).id)]), date: now(), messages: [],
    };
    this.groups.set(group.id, group);
    for (const id of group.members) this.user(id).conversations.add(group);
    return { group, change: this.post(group.creatorId, group, { text: '' }, null, 'chatCreate') };
  }

  createChannel(input: {
    title: string; megagroup: boolean; members: readonly string[]; creatorId: string; admins?: readonly string[]; noforwards?: boolean; forum?: boolean;
  }): { channel: ChannelRecord; change: MessageChange } {
    const channel: ChannelRecord = {
      kind: 'channel', id: String(this.#nextChannelId++), accessHash: randomHash(), title: input.title, megagroup: input.megagroup,
      creatorId: this.user(input.creatorId).id, admins: new Set(input.admins ?? []),
      members: new Set([input.creatorId, ...input.members.map((id) => this.user(id).id)]), noforwards: input.noforwards ?? false,
      date: now(), log: new UpdateLog(this.#maxUpdatesKept), nextId: 1, byId: new Map(), messages: [],
      forum: input.forum === true && input.megagroup, topics: new Map(),
    };
    for (const id of channel.admins) channel.members.add(this.user(id).id);
    this.channels.set(channel.id, channel);
    for (const id of channel.members) this.user(id).conversations.add(channel);
    return { channel, change: this.post(channel.creatorId, channel, { text: '' }, null, 'channelCreate') };
  }

  user(id: string): UserRecord {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`no user ${id}`);
    return user;
  }

  /** The private chat of two users (a user with itself: Saved Messages). */
  privateChat(a: string, b: string): PrivateRecord {
    const [x, y] = BigInt(a) <= BigInt(b) ? [a, b] : [b, a];
    const key = `${x}:${y}`;
    let chat = this.#privates.get(key);
    if (chat === undefined) {
      chat = { kind: 'private', key, userIds: [x, y], messages: [] };
      this.#privates.set(key, chat);
    }
    return chat;
  }

  participants(conversation: Conversation): string[] {
    if (conversation.kind === 'private') return [...new Set(conversation.userIds)];
    return [...conversation.members];
  }

  /** A live message as `userId` sees it under `id`. */
  viewMessage(userId: string, conversation: Conversation, id: number): MessageRecord | undefined {
    const message = conversation.kind === 'channel' ? conversation.byId.get(id) : this.user(userId).box.get(id);
    return message !== undefined && message.conversation === conversation && !message.deleted ? message : undefined;
  }

  /** The id `userId` sees `message` under, if it is in its view. */
  viewId(userId: string, message: MessageRecord): number | undefined {
    if (message.deleted) return undefined;
    if (message.conversation.kind === 'channel') return message.id;
    return message.holders.has(userId) ? message.ids[userId] : undefined;
  }

  /** Messages of a conversation `userId` can see, oldest first. */
  history(userId: string, conversation: Conversation): MessageRecord[] {
    if (conversation.kind === 'channel') return conversation.messages;
    return conversation.messages.filter((m) => m.holders.has(userId));
  }

  post(fromId: string, conversation: Conversation, input: NewMessageInput, randomId: string | null, service: MessageRecord['service'] = null): MessageChange {
    const sender = this.user(fromId);
    const replyToRef = input.replyToMsgId === undefined ? null : this.viewMessage(fromId, conversation, input.replyToMsgId) ?? null;
    const recipients = this.participants(conversation);
    const ids: Record<string, number> = {};
    if (conversation.kind !== 'channel') for (const id of recipients) ids[id] = this.user(id).nextBoxId++;
    const message: MessageRecord = {
      peerKind: conversation.kind === 'private' ? 'user' : conversation.kind,
      chatId: conversation.kind === 'private' ? (conversation.userIds[0] === fromId ? conversation.userIds[1] : conversation.userIds[0]) : conversation.id,
      id: conversation.kind === 'channel' ? conversation.nextId++ : ids[fromId]!, ids, holders: new Set(Object.keys(ids)), fromId,
      text: input.text, entities: input.entities ?? [], date: now(), createdAt: Date.now(), editDate: null,
      replyTo: replyToRef === null ? null : input.replyToMsgId!, replyToRef, silent: input.silent ?? false,
      randomId, deleted: false, service, forwardedFrom: input.forwardedFrom ?? null,
      topicId: conversation.kind === 'channel' && conversation.forum ? input.topicId ?? replyToRef?.topicId ?? null : null,
      media: input.media ?? null, groupedId: input.groupedId ?? null, conversation, seq: this.#seq++,
      replyMarkup: input.replyMarkup ?? null, buttons: buttonsOf(input.replyMarkup ?? null),
    };
    if (service === 'topicCreate' && conversation.kind === 'channel') {
      message.topicId = message.id;
      conversation.topics.set(message.id, {
        id: message.id, title: input.text, date: message.date, fromId, iconColor: DEFAULT_TOPIC_ICON_COLOR, iconEmojiId: null, closed: false, deleted: false,
      });
    }
    conversation.messages.push(message);
    noteContact(this, fromId, conversation);
    if (randomId !== null) {
      sender.randomIds.set(randomId, message);
      if (sender.randomIds.size > RANDOM_IDS_KEPT) sender.randomIds.delete(sender.randomIds.keys().next().value!);
    }
    const userPts = new Map<string, number>();
    let channelPts: number | null = null;
    if (conversation.kind === 'channel') {
      conversation.byId.set(message.id, message);
      channelPts = conversation.log.addMessage('new', message).pts;
    } else {
      for (const id of recipients) {
        const user = this.user(id);
        user.box.set(ids[id]!, message);
        user.conversations.add(conversation);
        userPts.set(id, user.log.addMessage('new', message).pts);
      }
    }
    return { kind: 'new', message, userPts, channelPts };
  }

  /**
   * Opens a forum topic: its opening service message (messageActionTopicCreate),
   * whose id becomes the topic's. The icon is set before the change is
   * returned, so the message everyone is pushed already shows it.
   */
  openTopic(fromId: string, forum: ChannelRecord, topic: { title: string; iconColor?: number; iconEmojiId?: string }, randomId: string | null): MessageChange {
    const change = this.post(fromId, forum, { text: topic.title }, randomId, 'topicCreate');
    const opened = forum.topics.get(change.message.id)!;
    forum.topics.set(opened.id, { ...opened, iconColor: topic.iconColor ?? opened.iconColor, iconEmojiId: topic.iconEmojiId ?? null });
    return change;
  }

  /** New text and entities; `replyMarkup` replaces the markup unless undefined. */
  edit(message: MessageRecord, text: string, entities: MessageRecord['entities'], replyMarkup?: MessageRecord['replyMarkup']): MessageChange {
    message.text = text;
    message.entities = entities;
    if (replyMarkup !== undefined) {
      message.replyMarkup = replyMarkup;
      message.buttons = buttonsOf(replyMarkup);
    }
    message.editDate = now();
    const conversation = message.conversation;
    if (conversation.kind === 'channel') {
      return { kind: 'edit', message, userPts: new Map(), channelPts: conversation.log.addMessage('edit', message).pts };
    }
    const userPts = new Map<string, number>();
    for (const id of message.holders) userPts.set(id, this.user(id).log.addMessage('edit', message).pts);
    return { kind: 'edit', message, userPts, channelPts: null };
  }

  deleteFromChannel(channel: ChannelRecord, ids: readonly number[]): DeleteChange {
    const gone = [...new Set(ids)].filter((id) => {
      const message = channel.byId.get(id);
      if (message === undefined) return false;
      this.#drop(message);
      channel.byId.delete(id);
      return true;
    });
    const entry = gone.length === 0 ? null : channel.log.addDelete(gone);
    return {
      kind: 'delete', perUser: new Map(),
      channel: { channel, ids: gone, pts: channel.log.pts, ptsCount: entry?.ptsCount ?? 0 },
    };
  }

  /**
   * Deletes from boxes (messages.deleteMessages): `forEveryone` takes the
   * message out of every participant's box, else only out of `userId`'s.
   */
  deleteFromBoxes(userId: string, ids: readonly number[], forEveryone: (message: MessageRecord) => boolean): DeleteChange {
    const perHolder = new Map<string, number[]>();
    for (const id of new Set(ids)) {
      const message = this.user(userId).box.get(id);
      if (message === undefined) continue;
      const holders = forEveryone(message) ? [...message.holders] : [userId];
      for (const holder of holders) {
        const boxId = message.ids[holder]!;
        this.user(holder).box.delete(boxId);
        message.holders.delete(holder);
        perHolder.set(holder, [...(perHolder.get(holder) ?? []), boxId]);
      }
      if (message.holders.size === 0) this.#drop(message);
    }
    const perUser = new Map<string, { ids: number[]; pts: number; ptsCount: number }>();
    for (const [holder, boxIds] of perHolder) {
      const entry = this.user(holder).log.addDelete(boxIds);
      perUser.set(holder, { ids: boxIds, pts: entry.pts, ptsCount: entry.ptsCount });
    }
    return { kind: 'delete', perUser, channel: null };
  }

  #drop(message: MessageRecord): void {
    message.deleted = true;
    const list = message.conversation.messages;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (list[mid]!.seq < message.seq) low = mid + 1;
      else high = mid;
    }
    if (list[low] === message) list.splice(low, 1);
  }
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}
