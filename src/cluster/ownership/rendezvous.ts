/**
 * Weighted rendezvous (highest random weight) hashing: which live supervisor
 * owns a key. Every supervisor computes it alone from the same member list
 * and gets the same answer, with no coordination. A member joining takes
 * only the keys it now scores highest on (about its weight's share, all from
 * the others); a member leaving gives up only its own keys, each to the
 * member that scored second on it.
 *
 * Scores are `weight / -ln(u)` with `u` in (0, 1) from a hash of member and
 * key (Schindelhauer and Schomaker's logarithmic method): a member wins a
 * key with probability weight / total weight.
 */
import { hash } from 'node:crypto';

export interface Member {
  /** The supervisor id. */
  id: string;
  /** Its capacity: a finite number above 0; shares of keys follow the weights. */
  weight: number;
}

/** 2^52: the hash's top 52 bits fit a double exactly. */
const SPAN = 2 ** 52;

/**
 * A stable draw in (0, 1) for `memberId` and `key`, the same on every host
 * and Node version (SHA-1 is used for spread, not secrecy; the one-shot
 * `hash` to hex is the fastest way Node offers, about 0.6 µs).
 */
export function unitHash(memberId: string, key: string): number {
  // NUL cannot occur in a supervisor id, so ('ab', 'c') and ('a', 'bc') differ.
  const hex = hash('sha1', `${memberId}\u0000${key}`, 'hex');
  // The top 52 bits (13 hex digits) fit a double exactly; +0.5 keeps it off 0 and 1.
  return (Number.parseInt(hex.slice(0, 13), 16) + 0.5) / SPAN;
}

/** The member's score on `key`; the highest score owns it. */
export function score(member: Member, key: string): number {
  return member.weight / -Math.log(unitHash(member.id, key));
}

/**
 * The owner of `key` among `members`, or null when there are none. Equal
 * scores (practically never) go to the smaller id, so every host agrees.
 */
export function ownerOf(key: string, members: readonly Member[]): string | null {
  let best: string | null = null;
  let bestScore = -Infinity;
  for (const m of members) {
    const s = score(m, key);
    if (s > bestScore || (s === bestScore && best !== null && m.id < best)) {
      best = m.id;
      bestScore = s;
    }
  }
  return best;
}

/** The owner of each key (keys without an owner are absent: no members). */
export function assignOwners(keys: Iterable<string>, members: readonly Member[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const key of keys) {
    const owner = ownerOf(key, members);
    if (owner !== null) owners.set(key, owner);
  }
  return owners;
}
