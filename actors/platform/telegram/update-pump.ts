/**
 * A client's updates, one at a time and in order, whichever way they came:
 * pushed by the server, answered to our own sends, or fetched again after a
 * gap or a reconnect. Each change is checked against the pts sequences
 * (update-state.ts): a duplicate is dropped, a gap fetches the difference
 * (`updates.getDifference`, or `updates.getChannelDifference` for a watched
 * channel), which brings the missing updates and this one. gramjs itself
 * never does this (gramjs issues #334, #375: after a reconnect updates just
 * stop), so the pump is also what `recover()` runs after every reconnect.
 *
 * Channels nobody watches are not followed at all. When a difference is too
 * long to replay, the watched chats are read again from their positions
 * (new messages only: edits and deletes in that stretch are lost, and
 * `tooLong` says so). After every step the state is checkpointed: it then
 * covers nothing that was not reported.
 */
import { Api } from 'telegram';
import type { InboundFeed } from './inbound-feed.ts';
import { chatIdOf } from './inbound-message.ts';
import type { PeerDirectory } from './peer-directory.ts';
import { markedId, parseMarkedId } from './peer-ids.ts';
import type { CommonState, UpdateState } from './update-state.ts';
import { changeOf, unpackUpdates } from './update-unpack.ts';
import type { Change, Unpacked } from './update-unpack.ts';

/** The requests the pump makes, on the connection of the moment. */
export interface PumpIo {
  difference(state: CommonState): Promise<Api.updates.TypeDifference>;
  /** null when the channel cannot be read (no access hash, left, private). */
  channelDifference(channelId: string, pts: number): Promise<Api.updates.TypeChannelDifference | null>;
  /** Reports what a watched chat received after its position, oldest first. */
  catchUpChat(chatId: string): Promise<void>;
  /** Learns the users of one message: a short update names its author by id only. */
  learnAuthor(chatId: string, messageId: number): Promise<void>;
  /** The messages of a watched chat around one (an album's parts), oldest first; none when the chat cannot be read. */
  messagesAround(chatId: string, messageId: number, span: number): Promise<Api.TypeMessage[]>;
}

export interface PumpDeps {
  state: UpdateState;
  feed: InboundFeed;
  peers: PeerDirectory;
  /** The current connection's requests; null between connections (the next recover catches up). */
  io(): PumpIo | null;
  /** A step failed; the pump goes on with the next one. */
  onError(error: unknown): void;
  /** A step is done: everything the state covers has been reported. */
  checkpoint(): void;
  /** A difference was too long to replay: these watched chats were read from their history instead. */
  tooLong(chatIds: string[]): void;
}

/** Difference rounds (slices) one fetch runs before leaving the rest to the next gap. */
const MAX_ROUNDS = 50;

function stateOf(s: Api.updates.TypeState): CommonState {
  return { pts: s.pts, qts: s.qts, date: s.date, seq: s.seq };
}

/** Changes of messages a difference lists as new: already in sequence, so their pts do not matter. */
function newMessages(messages: readonly Api.TypeMessage[]): Change[] {
  return messages.map((message) => {
    const peer = 'peerId' in message ? message.peerId : undefined;
    const channelId = peer instanceof Api.PeerChannel ? peer.channelId.toString() : null;
    return { kind: 'new', message, pts: 0, ptsCount: 0, channelId };
  });
}

/** Which sequence a batch of changes is already known to be in order for. */
type Trusted = { box: 'common' } | { box: 'channel'; channelId: string } | null;

export class UpdatePump {
  readonly #d: PumpDeps;
  #chain: Promise<void> = Promise.resolve();
  #inDifference = false;

  constructor(deps: PumpDeps) {
    this.#d = deps;
  }

  /** Queues a pushed `Updates`, or the answer to one of our own requests. */
  push(updates: Api.TypeUpdates, selfId: string | null): void {
    let unpacked: Unpacked;
    try {
      unpacked = unpackUpdates(updates, selfId);
    } catch (error) {
      this.#d.onError(error);
      return;
    }
    void this.run(() => this.#apply(unpacked, null)).catch((error: unknown) => this.#d.onError(error));
  }

  /** Queues a move of a sequence with nothing to report (the answer to our own edit or delete). */
  advance(pts: number, ptsCount: number, channelId: string | null): void {
    const unpacked: Unpacked = { changes: [{ kind: 'other', pts, ptsCount, channelId }], users: [], chats: [], date: 0, seq: 0 };
    void this.run(() => this.#apply(unpacked, null)).catch((error: unknown) => this.#d.onError(error));
  }

  /** Runs `task` in turn, after everything queued before it; what is queued after waits for it. */
  run(task: () => Promise<void>): Promise<void> {
    const done = this.#chain.then(task).finally(() => this.#d.checkpoint());
    this.#chain = done.catch(() => {});
    return done;
  }

  /** Makes everything queued from now on wait; `ready` settles once what was queued before is done. */
  hold(): { ready: Promise<void>; release: () => void } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.#chain;
    this.#chain = ready.then(() => gate);
    return { ready, release };
  }

  /** Fetches everything missed since the known state: the difference, then every watched channel's. */
  async recover(): Promise<void> {
    await this.#difference();
    for (const chatId of this.#d.feed.watched()) {
      const ref = parseMarkedId(chatId);
      if (ref?.kind === 'channel') await this.#channelDifference(ref.id);
    }
  }

  async #apply(unpacked: Unpacked, trusted: Trusted): Promise<void> {
    const { state, feed, peers } = this.#d;
    peers.learn(unpacked.users, unpacked.chats);
    if (unpacked.date > 0) state.noteDate(unpacked.date, unpacked.seq);
    for (const change of unpacked.changes) {
      if (change.kind === 'tooLong') {
        if (!this.#inDifference) await this.#difference();
        continue;
      }
      if (change.kind === 'channelTooLong') {
        if (feed.isWatched(markedId({ kind: 'channel', id: change.channelId }))) await this.#channelDifference(change.channelId);
        continue;
      }
      const { channelId } = change;
      if (channelId === null) {
        const inOrder = trusted?.box === 'common' || this.#inDifference;
        const verdict = inOrder ? 'apply' : state.checkCommon(change.pts, change.ptsCount);
        if (verdict === 'duplicate') continue;
        if (verdict === 'gap') {
          await this.#difference();
          continue;
        }
        if (!inOrder) state.applyCommon(change.pts);
      } else {
        if (!feed.isWatched(markedId({ kind: 'channel', id: channelId }))) continue;
        const inOrder = trusted?.box === 'channel' && trusted.channelId === channelId;
        const verdict = inOrder ? 'apply' : state.checkChannel(channelId, change.pts, change.ptsCount);
        if (verdict === 'duplicate') continue;
        if (verdict === 'gap') {
          await this.#channelDifference(channelId);
          continue;
        }
        if (!inOrder) state.applyChannel(channelId, change.pts);
      }
      await this.#report(change);
    }
  }

  async #report(change: Change): Promise<void> {
    const { feed, peers } = this.#d;
    if (change.kind === 'delete') {
      feed.deleted(change.ids, change.channelId, this.#inDifference);
      return;
    }
    if (change.kind !== 'new' && change.kind !== 'edit') return;
    const { message } = change;
    if (message instanceof Api.Message && !message.out && message.fromId instanceof Api.PeerUser) {
      const chatId = chatIdOf(message);
      if (chatId !== null && feed.isWatched(chatId) && peers.nameOf(message.fromId.userId.toString()) === undefined) {
        await this.#d.io()?.learnAuthor(chatId, message.id).catch((error: unknown) => this.#d.onError(error));
      }
    }
    feed.message(change.kind, message, (id) => peers.nameOf(id));
  }

  async #difference(): Promise<void> {
    if (this.#inDifference) return;
    this.#inDifference = true;
    try {
      await this.#differenceRounds();
    } finally {
      this.#inDifference = false;
    }
  }

  async #differenceRounds(): Promise<void> {
    const { state, feed, peers } = this.#d;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const known = state.common;
      const io = this.#d.io();
      if (known === null || io === null) return;
      const d = await io.difference(known);
      if (d instanceof Api.updates.DifferenceEmpty) {
        state.noteDate(d.date, d.seq);
        return;
      }
      if (d instanceof Api.updates.DifferenceTooLong) {
        const chats = feed.watched().filter((chatId) => parseMarkedId(chatId)?.kind !== 'channel');
        for (const chatId of chats) await io.catchUpChat(chatId);
        // Only now: a state checkpointed past the history not yet read would skip it on the next start.
        state.setCommon({ ...known, pts: d.pts });
        this.#d.tooLong(chats);
        return;
      }
      peers.learn(d.users, d.chats);
      const others = d.otherUpdates.map(changeOf).filter((c): c is Change => c !== null);
      await this.#apply({ changes: [...newMessages(d.newMessages), ...others], users: [], chats: [], date: 0, seq: 0 }, { box: 'common' });
      state.setCommon(stateOf(d instanceof Api.updates.Difference ? d.state : d.intermediateState));
      if (d instanceof Api.updates.Difference) return;
    }
  }

  async #channelDifference(channelId: string): Promise<void> {
    const { state, peers } = this.#d;
    const chatId = markedId({ kind: 'channel', id: channelId });
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const io = this.#d.io();
      if (io === null) return;
      const pts = state.channelPts(channelId);
      // 0 is an empty channel's: no difference can start there, the history can.
      if (pts === undefined || pts <= 0) {
        await io.catchUpChat(chatId);
        return;
      }
      const d = await io.channelDifference(channelId, pts);
      if (d === null) return;
      if (d instanceof Api.updates.ChannelDifferenceEmpty) {
        state.setChannel(channelId, d.pts);
        return;
      }
      peers.learn(d.users, d.chats);
      if (d instanceof Api.updates.ChannelDifferenceTooLong) {
        await io.catchUpChat(chatId);
        if (d.dialog instanceof Api.Dialog && typeof d.dialog.pts === 'number') state.setChannel(channelId, d.dialog.pts);
        this.#d.tooLong([chatId]);
        return;
      }
      const others = d.otherUpdates.map(changeOf).filter((c): c is Change => c !== null);
      await this.#apply({ changes: [...newMessages(d.newMessages), ...others], users: [], chats: [], date: 0, seq: 0 }, { box: 'channel', channelId });
      state.setChannel(channelId, d.pts);
      if (d.final === true) return;
    }
  }
}
