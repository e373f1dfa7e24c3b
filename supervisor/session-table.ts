/**
 * The supervisor's record of every session it is responsible for: where it
 * runs, its lease, the cursor to resume from, and why it is paused or queued.
 * The credential stays in memory only, to restart the actor after a crash.
 */
import type { ActorSpec, ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import type { SessionSnapshot, SessionState } from '../src/cluster/status-snapshot.ts';

export interface SessionRecord {
  spec: ActorSpec;
  workerId: string | null;
  threadIndex: number | null;
  state: SessionState;
  /** Fencing token of the lease the actor runs under; null while not holding one. */
  leaseToken: number | null;
  cursor: ResumeCursor | null;
  /** Chats the actor reports messages from; applied after every start. */
  watched: string[];
  memoryBytes: number;
  lastActivityAt: number;
  pausedBy: 'pressure' | 'admin' | null;
  queuedReason: string | null;
  /** A queued session is not placed before this time (ms): a crashed worker's grace period. */
  placeNotBefore: number;
}

export class SessionTable {
  private readonly records = new Map<string, SessionRecord>();

  add(spec: ActorSpec, now: number): SessionRecord {
    const record: SessionRecord = {
      spec,
      workerId: null,
      threadIndex: null,
      state: 'queued',
      leaseToken: null,
      cursor: null,
      watched: [],
      memoryBytes: 0,
      lastActivityAt: now,
      pausedBy: null,
      queuedReason: 'placing',
      placeNotBefore: 0,
    };
    this.records.set(spec.actorId, record);
    return record;
  }

  get(actorId: string): SessionRecord | undefined {
    return this.records.get(actorId);
  }

  delete(actorId: string): void {
    this.records.delete(actorId);
  }

  all(): IterableIterator<SessionRecord> {
    return this.records.values();
  }

  get size(): number {
    return this.records.size;
  }

  onWorker(workerId: string): SessionRecord[] {
    return [...this.records.values()].filter((r) => r.workerId === workerId);
  }

  ofUser(userId: string): SessionRecord[] {
    return [...this.records.values()].filter((r) => r.spec.userId === userId);
  }

  queued(): SessionRecord[] {
    return [...this.records.values()].filter((r) => r.state === 'queued');
  }

  /** The worker a user's sessions already run on: all of one user's actors share a worker. */
  workerOfUser(userId: string): string | null {
    for (const r of this.records.values()) if (r.spec.userId === userId && r.workerId !== null) return r.workerId;
    return null;
  }

  snapshot(): SessionSnapshot[] {
    return [...this.records.values()].map(viewOf);
  }
}

/** A record as the status snapshot, events and the admin API show it (no credential). */
export function viewOf(r: SessionRecord): SessionSnapshot {
  return {
    actorId: r.spec.actorId,
    userId: r.spec.userId,
    tier: r.spec.tier,
    platform: r.spec.platform,
    workerId: r.workerId,
    threadIndex: r.threadIndex,
    state: r.state,
    memoryBytes: r.memoryBytes,
    lastActivityAt: r.lastActivityAt,
    pausedBy: r.pausedBy,
    queuedReason: r.queuedReason,
  };
}

/** States in which an actor occupies a place on its worker. */
export function occupiesWorker(state: SessionState): boolean {
  return state !== 'queued' && state !== 'stopped' && state !== 'revoked';
}
