/**
 * Finding chats among the account's dialogs (`messages.getDialogs`, newest
 * first, 100 a page): the only way a user session learns the access hash of
 * a chat it was given by id, and at the same time the chat's newest message
 * (where watching starts) and, for a channel, its pts. Stops as soon as
 * every wanted chat is found; the peers met on the way are learned, the
 * wanted ones kept.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { chatIdOf, peerRef } from './inbound-message.ts';
import type { PeerDirectory } from './peer-directory.ts';
import { markedId } from './peer-ids.ts';

export type Invoke = <R extends Api.AnyRequest>(request: R) => Promise<R['__response']>;

export interface DialogFacts {
  /** The chat's newest message id (0: none). */
  topMessage: number;
  /** A channel's pts. */
  pts?: number;
}

const PAGE = 100;

/** Reads dialogs until every chat of `wanted` (marked ids) is found or `maxPages` pages were read. */
export async function scanDialogs(invoke: Invoke, peers: PeerDirectory, wanted: ReadonlySet<string>, maxPages: number): Promise<Map<string, DialogFacts>> {
  const found = new Map<string, DialogFacts>();
  let offset = { offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty() as Api.TypeInputPeer };
  for (let page = 0; page < maxPages && found.size < wanted.size; page += 1) {
    const answer = await invoke(new Api.messages.GetDialogs({ ...offset, limit: PAGE, hash: bigInt.zero }));
    if (answer instanceof Api.messages.DialogsNotModified) break;
    peers.learn(answer.users, answer.chats);
    const dialogs = answer.dialogs.filter((d): d is Api.Dialog => d instanceof Api.Dialog);
    for (const dialog of dialogs) {
      const chatId = markedId(peerRef(dialog.peer));
      if (!wanted.has(chatId)) continue;
      found.set(chatId, { topMessage: dialog.topMessage, ...(typeof dialog.pts === 'number' ? { pts: dialog.pts } : {}) });
    }
    const last = dialogs.at(-1);
    if (answer instanceof Api.messages.Dialogs || last === undefined || answer.dialogs.length < PAGE) break;
    const lastChat = markedId(peerRef(last.peer));
    const top = answer.messages.find((m) => chatIdOf(m) === lastChat && m.id === last.topMessage);
    offset = {
      offsetDate: top !== undefined && 'date' in top && typeof top.date === 'number' ? top.date : 0,
      offsetId: last.topMessage,
      // Learned with the page just read; Telegram breaks ties of equal dates with it.
      offsetPeer: peers.inputPeer(lastChat) ?? new Api.InputPeerEmpty(),
    };
  }
  return found;
}
