/**
 * A supervisor's share of the accounts for its status snapshot: its weight,
 * what it owns as of its last reconcile, what of that runs here now, and the
 * members it sees. The views of two supervisors differ only while a join or
 * a leave is being seen (about a second), so side by side the snapshots
 * show each host's share and whether they agree on who is live.
 */
import type { ActorSpec } from '../src/runtime-contracts/actor-contract.ts';
import type { OwnershipSnapshot } from '../src/cluster/status-snapshot.ts';
import type { Member } from '../src/cluster/ownership/rendezvous.ts';
import type { SessionTable } from './session-table.ts';

export function ownershipReport(self: Member, members: readonly Member[], owned: readonly ActorSpec[], sessions: SessionTable): OwnershipSnapshot {
  const running = owned.filter((spec) => {
    const state = sessions.get(spec.actorId)?.state;
    return state === 'running' || state === 'idle';
  });
  const users = (specs: readonly ActorSpec[]) => new Set(specs.map((s) => s.userId)).size;
  return {
    capacity: self.weight,
    owned: { users: users(owned), accounts: owned.length },
    running: { users: users(running), accounts: running.length },
    members: members.map((m) => ({ supervisorId: m.id, capacity: m.weight })),
  };
}
