/**
 * What a Telegram client keeps across its connections, so a reconnect asks
 * only for the difference: the update state, the feed (watched chats and
 * their positions), the peers it needs and the pump that feeds them, plus
 * the chats it watches and sends to (their access hashes are kept pinned).
 * Made on the client's first connect, with gramjs loaded.
 */
import type { ResumeCursor } from '../../../src/runtime-contracts/actor-contract.ts';
import type { InboundMessage, SourceNotice } from '../../../src/runtime-contracts/inbound-message.ts';
import { InboundFeed } from './inbound-feed.ts';
import type { AlbumWindow } from './inbound-feed.ts';
import { PEER_ENTRY_BYTES, PeerDirectory } from './peer-directory.ts';
import { parseMarkedId } from './peer-ids.ts';
import type { Inbound } from './pump-io.ts';
import { UpdatePump } from './update-pump.ts';
import type { PumpIo } from './update-pump.ts';
import { UpdateState } from './update-state.ts';
import { changedEntries, chatPositions, restoreState, stateEntries } from './update-state-cursor.ts';

/** The notice of a catch-up Telegram could not replay in full. */
export function catchUpIncomplete(chatIds: string[]): SourceNotice {
  return {
    code: 'catch_up_incomplete',
    message: 'Telegram no longer had every update since the session last ran: new messages were read from the chat history, edits and deletes made meanwhile were not forwarded',
    chatIds,
  };
}

export interface SessionMemoryOptions {
  peerCacheSize: number;
  emit(message: InboundMessage): void;
  /** The current connection's requests, null between connections. */
  io(): PumpIo | null;
  onError(error: unknown): void;
  /** The update state moved past everything reported so far: these entries may be kept with the cursor. */
  checkpoint(positions: ResumeCursor): void;
  notice(notice: SourceNotice): void;
  /** How album parts are gathered (inbound-feed.ts); default the real clock and a 600 ms quiet window. */
  albums?: AlbumWindow;
}

export class SessionMemory implements Inbound {
  readonly feed: InboundFeed;
  readonly peers: PeerDirectory;
  readonly state = new UpdateState();
  readonly pump: UpdatePump;
  #watchList: readonly string[] = [];
  readonly #destinations = new Set<string>();
  /** The update state as last checkpointed: never ahead of a message not yet reported. */
  #checkpointed: Record<string, string> = {};
  readonly #onCheckpoint: (positions: ResumeCursor) => void;
  /** A checkpoint waited for album parts still held: it follows their report. */
  #checkpointHeld = false;

  constructor(o: SessionMemoryOptions) {
    this.feed = new InboundFeed((message) => {
      o.emit(message);
      if (this.#checkpointHeld && this.feed.held === 0) this.checkpoint();
    }, o.albums, async (chatId, messageId, span) => (await o.io()?.messagesAround(chatId, messageId, span)) ?? []);
    this.peers = new PeerDirectory(o.peerCacheSize);
    this.#onCheckpoint = o.checkpoint;
    this.pump = new UpdatePump({
      state: this.state, feed: this.feed, peers: this.peers, io: o.io, onError: o.onError,
      checkpoint: () => this.checkpoint(),
      tooLong: (chatIds) => {
        if (chatIds.length > 0) o.notice(catchUpIncomplete(chatIds));
      },
    });
  }

  /** Reports the update state entries that moved since the last checkpoint. */
  checkpoint(): void {
    // The update state covers parts held in an album: a crash before they are reported must read them again.
    this.#checkpointHeld = this.feed.held > 0;
    if (this.#checkpointHeld) return;
    const changed = changedEntries(this.#checkpointed, stateEntries(this.state));
    if (Object.keys(changed).length === 0) return;
    this.#checkpointed = { ...this.#checkpointed, ...changed };
    this.#onCheckpoint(changed);
  }

  /** Chat positions and the checkpointed update state. */
  cursor(): ResumeCursor {
    return { ...this.feed.cursor(), ...this.#checkpointed };
  }

  /** Sets the watched chats; returns the newly watched ones (they need a starting position). */
  watch(chatIds: readonly string[]): string[] {
    this.#watchList = [...chatIds];
    const added = this.feed.watch(this.#watchList);
    this.peers.retain(new Set([...this.#watchList, ...this.#destinations]));
    this.peers.need(this.#watchList);
    const channels = this.#watchList.flatMap((chatId) => {
      const ref = parseMarkedId(chatId);
      return ref?.kind === 'channel' ? [ref.id] : [];
    });
    this.state.retainChannels(new Set(channels));
    return added;
  }

  /**
   * Watches a cursor's chats too (until the actor says otherwise, as the
   * Discord client does), from its positions; with no update state yet,
   * takes the cursor's. True when it did: the connect asks for the difference.
   */
  resumeFrom(cursor: ResumeCursor): boolean {
    const positions = chatPositions(cursor);
    const restored = this.state.common === null && restoreState(this.state, cursor);
    if (restored) this.#checkpointed = stateEntries(this.state);
    const chats = [...new Set([...this.#watchList, ...Object.keys(positions)])];
    this.feed.resumeFrom(positions);
    this.watch(chats);
    return restored;
  }

  /** A chat sent to (or forwarded from): its peer stays pinned, whatever is watched. */
  sendsTo(chatId: string): void {
    this.#destinations.add(chatId);
    this.peers.need([chatId]);
  }

  trackedBytes(): number {
    return this.peers.size * PEER_ENTRY_BYTES + this.feed.size * 96 + this.state.channelCount * 64 + this.#destinations.size * 64 + Object.keys(this.#checkpointed).length * 64;
  }
}
