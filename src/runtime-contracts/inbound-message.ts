/**
 * What an actor reports from the chats it watches, on its way from the
 * platform client through the thread host and the worker to the
 * supervisor's forwarding engine.
 */

/** A message that arrived in a chat the actor watches. */
export interface InboundMessage {
  chatId: string;
  messageId: string;
  /** `new`, or an edit/delete of an earlier message. */
  kind: 'new' | 'edit' | 'delete';
  /** Platform-neutral payload; format conversion comes with the forwarding engine. */
  payload: unknown;
  /** ms since epoch, platform time. */
  at: number;
  /** A `new` standing for several messages (an album): the last of them, where the source cursor moves. Default `messageId`. */
  lastMessageId?: string;
}

/**
 * Something the owners of the pairs reading `chatIds` should know about
 * their source, e.g. `catch_up_incomplete`: a catch-up could not replay
 * everything that changed while the session was down.
 */
export interface SourceNotice {
  code: string;
  message: string;
  /** Watched chats it concerns (marked ids for Telegram). */
  chatIds: string[];
}
