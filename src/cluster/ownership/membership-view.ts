/**
 * What a supervisor takes the live members to be, from what it read of the
 * registry: pure, so the decisions are unit-tested apart from Redis.
 */
import type { Member } from './rendezvous.ts';

/**
 * The members as read (entries that failed to parse are left out), with
 * `self` always in: a supervisor whose own entry has not been written yet,
 * or just expired in a stall, still runs its share rather than none. Sorted
 * by id, so two views of the same members compare equal.
 */
export function membershipView(read: ReadonlyArray<Member | null>, self: Member): Member[] {
  const byId = new Map<string, Member>();
  for (const m of read) if (m !== null && validMember(m)) byId.set(m.id, { id: m.id, weight: m.weight });
  byId.set(self.id, { id: self.id, weight: self.weight });
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** True when two sorted views have the same members with the same weights. */
export function sameView(a: readonly Member[], b: readonly Member[]): boolean {
  return a.length === b.length && a.every((m, i) => m.id === b[i]!.id && m.weight === b[i]!.weight);
}

/** A registry entry as stored (`{"weight": n}`), or null when it is not one. */
export function parseMemberEntry(id: string, value: string | null | undefined): Member | null {
  if (value === null || value === undefined) return null;
  try {
    const parsed = JSON.parse(value) as { weight?: unknown };
    const member = { id, weight: parsed?.weight as number };
    return validMember(member) ? member : null;
  } catch {
    return null;
  }
}

function validMember(m: Member): boolean {
  return typeof m.id === 'string' && m.id.length > 0 && typeof m.weight === 'number' && Number.isFinite(m.weight) && m.weight > 0;
}
