/**
 * Records the fake keeps, in its own shape: tl-builders.ts turns them into
 * TL objects for one viewer. Private chats and basic groups keep Telegram's
 * per-user message boxes (each participant sees the message under its own
 * id, `ids[userId]`); channels number their messages once for everyone.
 * Like on Telegram, every group and channel starts with a service message
 * (messageActionChatCreate / messageActionChannelCreate), so the first text
 * message of a channel has id 2. Bots are users with a `bot` record
 * (bots.ts); only their messages carry reply markup (reply-markup.ts).
 */
import type { BotState } from './bots.ts';
import type { Api } from './tl-io.ts';
import type { UpdateLog } from './update-log.ts';

export type PeerKind = 'user' | 'group' | 'channel';

export interface FakeUser {
  readonly kind: 'user';
  /** Telegram user id (a 64-bit integer), decimal. */
  readonly id: string;
  readonly accessHash: string;
  readonly phone: string;
  readonly firstName: string;
  readonly lastName: string | null;
  readonly username: string | null;
}

/** A basic group (`chat` in TL). */
export interface FakeGroup {
  readonly kind: 'group';
  readonly id: string;
  readonly title: string;
}

/** A supergroup (`megagroup`) or broadcast channel. */
export interface FakeChannel {
  readonly kind: 'channel';
  readonly id: string;
  readonly accessHash: string;
  readonly title: string;
  readonly megagroup: boolean;
  /** A supergroup organised in topics. */
  readonly forum: boolean;
}

/** A forum topic; its id is the id of the service message that opened it. */
export interface ForumTopic {
  readonly id: number;
  readonly title: string;
  /** Unix seconds it was opened. */
  readonly date: number;
  /** Who opened it. */
  readonly fromId: string;
  /** RGB of the fallback icon, one of Telegram's six (TOPIC_ICON_COLORS). */
  readonly iconColor: number;
  /** Custom emoji shown as its icon (decimal); null for the fallback icon. */
  readonly iconEmojiId: string | null;
  closed: boolean;
  deleted: boolean;
}

/** The colours Telegram documents for a topic's fallback icon. */
export const TOPIC_ICON_COLORS: readonly number[] = [0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F];

/** What a topic gets when no (documented) colour is asked for. */
export const DEFAULT_TOPIC_ICON_COLOR = 0x6FB9F0;

/** A peer in the control API: one of the objects above, or its Bot-API style marked id ('N', '-N', '-100N'). */
export type FakePeerRef = { readonly kind: PeerKind; readonly id: string } | string;

export interface FakeMessage {
  readonly peerKind: PeerKind;
  /** Group or channel id; in a private chat, the recipient's user id (the sender's view). */
  readonly chatId: string;
  /** Id in the sender's box (private chats, groups) or in the channel. */
  readonly id: number;
  /** Id the message got in each participant's box (private chats and groups; empty for channels); kept after deletion. */
  readonly ids: Readonly<Record<string, number>>;
  /** Users whose box still holds it (private chats and groups; empty for channels). */
  readonly holders: ReadonlySet<string>;
  readonly fromId: string;
  readonly text: string;
  /** As sent, with `inputMessageEntityMentionName` resolved to `messageEntityMentionName`. */
  readonly entities: readonly Api.TypeMessageEntity[];
  /** Unix seconds. */
  readonly date: number;
  /** When the fake made it, ms since the epoch (`date` is too coarse for latencies). */
  readonly createdAt: number;
  readonly editDate: number | null;
  /** The replied-to message's id in the sender's view. */
  readonly replyTo: number | null;
  readonly silent: boolean;
  /** `random_id` of the sendMessage that made it, decimal; null for messages made by the control API. */
  readonly randomId: string | null;
  /** Deleted for everyone (channels) or from every box. */
  readonly deleted: boolean;
  /** The action of a service message (the one every chat starts with, or a forum topic's opening); null for text messages. */
  readonly service: 'chatCreate' | 'channelCreate' | 'topicCreate' | null;
  /** The forum topic it is in (the id of the topic's opening message); null outside forums and in General. */
  readonly topicId: number | null;
  /** The "forwarded from" header of a message posted by messages.forwardMessages; null otherwise (also with `drop_author`). */
  readonly forwardedFrom: FakeForwardHeader | null;
  /** The photo or document the message carries (its text is then the caption); null for text messages. */
  readonly media: FakeMedia | null;
  /** The album (`grouped_id`, decimal) the message belongs to; null outside albums. */
  readonly groupedId: string | null;
  /** The reply_markup a bot sent it with (as edited since); null for none. */
  readonly replyMarkup: Api.TypeReplyMarkup | null;
  /** The buttons of its inline keyboard, by row; empty without one. */
  readonly buttons: readonly (readonly FakeButton[])[];
}

/** A button of an inline keyboard: `data` for callback buttons, `url` for URL buttons. */
export interface FakeButton {
  /** TL constructor name: 'keyboardButtonCallback', 'keyboardButtonUrl', ... */
  readonly type: string;
  readonly text: string;
  readonly data: Buffer | null;
  readonly url: string | null;
}

/** A stored file: a photo or a document, with the bytes uploaded for it. */
export interface FakeMedia {
  readonly kind: 'photo' | 'document';
  readonly id: string;
  readonly accessHash: string;
  /** Renewed from time to time, as Telegram does (MediaStore.renewReference). */
  fileReference: Buffer;
  readonly date: number;
  readonly mimeType: string;
  /** Documents: as sent (filename, video, audio/voice, animated...); photos: none. */
  readonly attributes: readonly Api.TypeDocumentAttribute[];
  readonly data: Buffer;
}

/** A `messageFwdHeader`: who wrote the original (marked id: a user, or the channel of a broadcast post) and when. */
export interface FakeForwardHeader {
  readonly fromId: string;
  /** Unix seconds of the original message. */
  readonly date: number;
  /** The original's id in its broadcast channel; null for other originals. */
  readonly channelPost: number | null;
}

export interface UserRecord extends FakeUser {
  /** Digits only, how phones are compared. */
  readonly phoneDigits: string;
  readonly password: string | null;
  /** 2FA salts and verifier, made on the first account.getPassword (100 000 PBKDF2 rounds). */
  srp: { salt1: Buffer; salt2: Buffer; verifier: Promise<bigint> } | null;
  /** USER_DEACTIVATED_BAN: no new login either. */
  banned: boolean;
  readonly date: number;
  /** The common pts sequence: private chats and basic groups. */
  readonly log: UpdateLog;
  nextBoxId: number;
  readonly box: Map<number, MessageRecord>;
  /** random_id → message, for RANDOM_ID_DUPLICATE. */
  readonly randomIds: Map<string, MessageRecord>;
  /** The conversations the user has (dialogs). */
  readonly conversations: Set<Conversation>;
  /** What Telegram keeps of a bot account; null for people. */
  readonly bot: BotState | null;
}

export interface PrivateRecord {
  readonly kind: 'private';
  readonly key: string;
  readonly userIds: readonly [string, string];
  readonly messages: MessageRecord[];
}

export interface GroupRecord extends FakeGroup {
  readonly creatorId: string;
  readonly members: Set<string>;
  readonly date: number;
  readonly messages: MessageRecord[];
}

export interface ChannelRecord extends FakeChannel {
  readonly creatorId: string;
  readonly admins: Set<string>;
  readonly members: Set<string>;
  readonly noforwards: boolean;
  readonly date: number;
  readonly log: UpdateLog;
  nextId: number;
  readonly byId: Map<number, MessageRecord>;
  /** Forum topics by id (forums only). */
  readonly topics: Map<number, ForumTopic>;
  readonly messages: MessageRecord[];
}

export type Conversation = PrivateRecord | GroupRecord | ChannelRecord;

export interface MessageRecord extends FakeMessage {
  readonly conversation: Conversation;
  replyMarkup: Api.TypeReplyMarkup | null;
  buttons: FakeButton[][];
  readonly holders: Set<string>;
  text: string;
  entities: Api.TypeMessageEntity[];
  editDate: number | null;
  deleted: boolean;
  topicId: number | null;
  readonly replyToRef: MessageRecord | null;
  /** Creation order across the fake, to find a message in its conversation's list. */
  readonly seq: number;
}

export interface NewMessageInput {
  text: string;
  entities?: Api.TypeMessageEntity[];
  /** Id of the replied-to message in the sender's view. */
  replyToMsgId?: number;
  silent?: boolean;
  forwardedFrom?: FakeForwardHeader;
  media?: FakeMedia;
  groupedId?: string;
  /** A forum topic to post in (see forum-topics.ts); default: the replied-to message's, else General. */
  topicId?: number;
  /** Checked already (reply-markup.ts); bots only. */
  replyMarkup?: Api.TypeReplyMarkup | null;
}
