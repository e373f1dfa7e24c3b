/**
 * Cost and movement of account ownership (weighted rendezvous hashing):
 * USERS (default 100,000) user ids over MEMBERS (default 10) supervisors of
 * mixed capacities. Prints the time to decide every owner (what each
 * supervisor's runtime sync does per reconcile), each member's share against
 * its weight, and how many users move when one member joins or leaves. Run:
 *
 *   npm run bench -- ownership
 */
import { randomUUID } from 'node:crypto';
import { assignOwners, type Member } from '../src/cluster/ownership/rendezvous.ts';

const users = Number(process.env.USERS ?? 100_000);
const memberCount = Number(process.env.MEMBERS ?? 10);
const ids = Array.from({ length: users }, () => randomUUID());
// Capacities 2, 4, 8 in turn: hosts of three sizes.
const members: Member[] = Array.from({ length: memberCount }, (_, i) => ({ id: `host-${i}`, weight: 2 ** (1 + (i % 3)) }));
const totalWeight = members.reduce((n, m) => n + m.weight, 0);

function timed(list: readonly Member[]): { owners: Map<string, string>; ms: number } {
  const t = performance.now();
  const owners = assignOwners(ids, list);
  return { owners, ms: performance.now() - t };
}

function movedBetween(a: Map<string, string>, b: Map<string, string>): number {
  let n = 0;
  for (const [k, o] of a) if (b.get(k) !== o) n += 1;
  return n;
}

timed(members);
const base = timed(members);
const counts = new Map<string, number>();
for (const o of base.owners.values()) counts.set(o, (counts.get(o) ?? 0) + 1);
const worstShareError = Math.max(...members.map((m) => Math.abs((counts.get(m.id) ?? 0) / users - m.weight / totalWeight) / (m.weight / totalWeight)));
for (const m of members) console.log(`${m.id} weight ${m.weight}: ${counts.get(m.id) ?? 0} users (expected ${Math.round((users * m.weight) / totalWeight)})`);

const joiner: Member = { id: 'host-new', weight: 4 };
const joined = timed([...members, joiner]);
const left = timed(members.slice(1));
const result = {
  users,
  members: memberCount,
  decideAllMs: Math.round(base.ms),
  decidePerUserUs: Math.round((base.ms * 1000 / users) * 100) / 100,
  worstShareErrorPct: Math.round(worstShareError * 1000) / 10,
  joinMovedPct: Math.round((movedBetween(base.owners, joined.owners) / users) * 1000) / 10,
  joinIdealPct: Math.round((joiner.weight / (totalWeight + joiner.weight)) * 1000) / 10,
  leaveMovedPct: Math.round((movedBetween(base.owners, left.owners) / users) * 1000) / 10,
  leaveIdealPct: Math.round(((counts.get('host-0') ?? 0) / users) * 1000) / 10,
};
console.log(JSON.stringify(result));
