/**
 * The requests the update pump and the connect make on one connection:
 * differences, catching a chat up from its position, learning an author,
 * and placing newly watched chats (access hash, newest message, channel
 * pts) from the dialogs. A chat the account cannot read (left, kicked,
 * private) has nothing to catch up and is skipped.
 */
import { Api } from 'telegram';
import type { InboundFeed } from './inbound-feed.ts';
import { scanDialogs } from './dialog-scan.ts';
import type { Invoke } from './dialog-scan.ts';
import { CATCH_UP_PAGE, isUnreadable, messagesAfter, messagesAround, messageWithPeers } from './history-catch-up.ts';
import type { PeerDirectory } from './peer-directory.ts';
import { parseMarkedId } from './peer-ids.ts';
import type { PumpIo, UpdatePump } from './update-pump.ts';
import type { UpdateState } from './update-state.ts';

export interface Inbound {
  feed: InboundFeed;
  peers: PeerDirectory;
  state: UpdateState;
}

/** Channel messages per getChannelDifference page. */
const CHANNEL_PAGE = 100;

export function pumpIo(invoke: Invoke, { feed, peers }: Inbound): PumpIo {
  return {
    difference: (state) => invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: state.qts })),

    async channelDifference(channelId, pts) {
      const channel = peers.inputChannel(channelId);
      if (channel === null) return null;
      try {
        return await invoke(new Api.updates.GetChannelDifference({ channel, filter: new Api.ChannelMessagesFilterEmpty(), pts, limit: CHANNEL_PAGE }));
      } catch (error) {
        if (isUnreadable(error)) return null;
        throw error;
      }
    },

    async catchUpChat(chatId) {
      const peer = peers.inputPeer(chatId);
      if (peer === null) return;
      for (;;) {
        const after = feed.position(chatId);
        if (after === undefined || !feed.isWatched(chatId)) return;
        let page;
        try {
          page = await messagesAfter(invoke, peer, after);
        } catch (error) {
          if (isUnreadable(error)) return;
          throw error;
        }
        peers.learn(page.users, page.chats);
        for (const message of page.messages) feed.message('new', message, (id) => peers.nameOf(id));
        if (page.messages.length < CATCH_UP_PAGE) return;
      }
    },

    async learnAuthor(chatId, messageId) {
      const peer = peers.inputPeer(chatId);
      if (peer === null) return;
      const page = await messageWithPeers(invoke, peer, messageId);
      peers.learn(page.users, page.chats);
    },

    async messagesAround(chatId, messageId, span) {
      const peer = peers.inputPeer(chatId);
      if (peer === null) return [];
      try {
        const page = await messagesAround(invoke, peer, messageId, span);
        peers.learn(page.users, page.chats);
        return page.messages;
      } catch (error) {
        if (isUnreadable(error)) return [];
        throw error;
      }
    },
  };
}

/**
 * Where a connect starts: `new`, no update state at all; `stored`, the
 * state kept with the cursor (a fresh start of a session that ran before);
 * `reconnect`, the state this client already holds.
 */
export type ConnectStart = 'new' | 'stored' | 'reconnect';

/**
 * A connect's catch-up. `new`: takes the update state, then reads the chats
 * that already had a position (from a cursor) from the history (new
 * messages only). `stored` and `reconnect`: ask for the difference (and each
 * watched channel's), which brings edits and deletes too; a channel with a
 * position but no stored pts (watched since the last checkpoint, or kept
 * before the state was) is read from the history as well. Either way, chats
 * new to the client start at their newest message, and the state reached is
 * checkpointed.
 */
export async function catchUpOnConnect(invoke: Invoke, io: PumpIo, memory: Inbound & { pump: UpdatePump; checkpoint(): void }, start: ConnectStart, dialogPages: number): Promise<void> {
  const { feed, state, pump } = memory;
  if (start === 'new') {
    const s = await invoke(new Api.updates.GetState());
    state.setCommon({ pts: s.pts, qts: s.qts, date: s.date, seq: s.seq });
  }
  const known = feed.watched().filter((chatId) => feed.position(chatId) !== undefined);
  const unsequenced = start === 'stored' ? known.filter((chatId) => {
    const ref = parseMarkedId(chatId);
    return ref?.kind === 'channel' && state.channelPts(ref.id) === undefined;
  }) : [];
  await locateChats(invoke, memory, feed.watched(), dialogPages);
  if (start === 'new') for (const chatId of known) await io.catchUpChat(chatId);
  else await pump.recover();
  for (const chatId of unsequenced) await io.catchUpChat(chatId);
  memory.checkpoint();
}

/**
 * Finds `chatIds` among the dialogs when they lack an access hash, a
 * position or (channels) a pts; a chat found starts at its newest message.
 * Chats not found keep no position: their first live message sets it.
 */
export async function locateChats(invoke: Invoke, { feed, peers, state }: Inbound, chatIds: readonly string[], maxPages: number): Promise<void> {
  const unresolved = new Set(peers.unresolved());
  const wanted = new Set(chatIds.filter((chatId) => {
    const ref = parseMarkedId(chatId);
    if (ref === null) return false;
    return unresolved.has(chatId) || feed.position(chatId) === undefined || (ref.kind === 'channel' && state.channelPts(ref.id) === undefined);
  }));
  if (wanted.size === 0) return;
  const found = await scanDialogs(invoke, peers, wanted, maxPages);
  for (const [chatId, facts] of found) {
    feed.startAt(chatId, facts.topMessage);
    const ref = parseMarkedId(chatId);
    if (ref?.kind === 'channel' && facts.pts !== undefined && state.channelPts(ref.id) === undefined) state.setChannel(ref.id, facts.pts);
  }
}
