/**
 * The interface of one thread host: a long-lived piscina task that runs many
 * session actors in its thread. The worker process reaches it with comlink
 * over `rpcPort`; the host reports what happens on its own over `eventPort`.
 */
import type { ActorHealth, ActorSpec, ResumeCursor, SendResult, SendTask } from './actor-contract.ts';
import type { ActorState } from './actor-state.ts';
import type { InboundMessage } from './platform/platform-client.ts';
import type { LoopbackRuntimeOptions } from './platform/loopback/loopback-runtime.ts';

/** Loopback platform settings of a thread (defaults in loopback-runtime.ts), plus how often its poller reads. */
export interface LoopbackHostOptions extends LoopbackRuntimeOptions {
  /** ms between two reads of every watched chat (one XREAD for the thread). Default 100. */
  pollIntervalMs?: number;
}
import type { MessagePort } from 'node:worker_threads';

/** What the piscina task receives (ports are transferred). */
export interface ThreadHostInit {
  threadIndex: number;
  workerId: string;
  rpcPort: MessagePort;
  eventPort: MessagePort;
  /** Redis for leases and the loopback network: URL and key prefix. */
  redisUrl: string | null;
  redisKeyPrefix: string;
  /** Lease timing, so an actor that cannot renew stops before its lease ends. */
  leaseTtlMs: number;
  leaseRenewMs: number;
  /**
   * Loopback platform settings; absent: loopback-runtime.ts defaults, except
   * `connectionTtlMs`, which defaults to min(1 500, 3/4 of the lease stop
   * margin) so a dead thread's connections expire before its leases could be taken.
   */
  loopback?: LoopbackHostOptions;
}

/** One thread's measured memory and what each actor says it holds. */
export interface ThreadMeasurement {
  threadIndex: number;
  /** V8 used heap of this thread's isolate. */
  heapUsedBytes: number;
  /** Memory outside the V8 heap owned by JS objects (Buffers...). */
  externalBytes: number;
  actors: Array<{ actorId: string; trackedBytes: number; baseBytes: number }>;
}

export interface ThreadHostApi {
  startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<ActorState>;
  stopActor(actorId: string): Promise<ResumeCursor>;
  pauseActor(actorId: string): Promise<ResumeCursor>;
  resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState>;
  idleActor(actorId: string): Promise<void>;
  /** Sets the chats the actor receives messages from (replacing the previous list); kept across pause and resume. */
  watch(actorId: string, chatIds: string[]): Promise<void>;
  send(actorId: string, task: SendTask): Promise<SendResult>;
  health(actorId: string): Promise<ActorHealth>;
  healthAll(): Promise<Array<{ actorId: string } & ActorHealth>>;
  measure(): Promise<ThreadMeasurement>;
  /** Stops every actor (checkpointing cursors) and ends the piscina task. */
  shutdown(): Promise<Record<string, ResumeCursor>>;
}

/** What a thread host reports without being asked. */
export type ThreadEvent =
  | { type: 'actor_state'; actorId: string; from: ActorState; to: ActorState; reason?: string }
  | { type: 'lease_lost'; actorId: string }
  | { type: 'inbound'; actorId: string; message: InboundMessage };
