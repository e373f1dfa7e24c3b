/**
 * Chat ids as the rest of Switchboard sees them: Bot-API style marked ids,
 * exactly as gramjs's `utils.getPeerId` writes them, so a chat id the API
 * stored, the fake's `markedId` and what the adapter reports all agree:
 * a user is `N`, a basic group `-N`, a channel or supergroup `-100N` (the
 * string `-100` and the id, not arithmetic). Pure: no gramjs.
 */

export type PeerKind = 'user' | 'chat' | 'channel';

/** A peer by kind and bare (unmarked, positive) id, decimal. */
export interface PeerRef {
  kind: PeerKind;
  id: string;
}

const DIGITS = /^[0-9]+$/;

/** The marked id of `peer`. */
export function markedId(peer: PeerRef): string {
  switch (peer.kind) {
    case 'user': return peer.id;
    case 'chat': return `-${peer.id}`;
    case 'channel': return `-100${peer.id}`;
  }
}

/**
 * The peer a marked id names, or null when it is not one. As in gramjs's
 * `resolveId`, `-100` followed by a non-zero digit is a channel, any other
 * negative id a basic group.
 */
export function parseMarkedId(marked: string): PeerRef | null {
  if (DIGITS.test(marked)) return BigInt(marked) > 0n ? { kind: 'user', id: BigInt(marked).toString() } : null;
  if (!marked.startsWith('-') || !DIGITS.test(marked.slice(1))) return null;
  const channel = /^-100([1-9][0-9]*)$/.exec(marked);
  if (channel !== null) return { kind: 'channel', id: channel[1]! };
  const id = BigInt(marked.slice(1));
  return id > 0n ? { kind: 'chat', id: id.toString() } : null;
}

/** True for a chat whose messages are numbered per channel (channels and supergroups), not in the account's common box. */
export function isChannelId(marked: string): boolean {
  return parseMarkedId(marked)?.kind === 'channel';
}
