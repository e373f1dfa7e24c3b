/**
 * What a worker reports without being asked, turned into session state and
 * the supervisor's own events. Only an actor's current placement speaks for
 * it: a fenced copy on another worker may still be draining, and what it
 * says is dropped.
 */
import type { InboundMessage, SourceNotice } from '../src/runtime-contracts/inbound-message.ts';
import type { ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import type { ActorLifecycle } from './actor-lifecycle.ts';
import type { SupervisorContext } from './supervisor-context.ts';
import type { WorkerEvent } from '../src/runtime-contracts/worker-protocol.ts';

/** The supervisor events a worker's reports become (see SupervisorEvents). */
export interface ForwardedEvents {
  inbound(actorId: string, message: InboundMessage): void;
  positions(actorId: string, positions: ResumeCursor): void;
  notice(actorId: string, notice: SourceNotice): void;
}

export function routeWorkerEvent(event: WorkerEvent, context: SupervisorContext, actors: ActorLifecycle, out: ForwardedEvents): void {
  const { sessions, log } = context;
  const placed = (actorId: string) => {
    const r = sessions.get(actorId);
    return r && r.workerId === event.workerId ? r : undefined;
  };
  switch (event.type) {
    case 'actor_state': {
      const r = placed(event.actorId);
      if (!r) return;
      if (event.to !== 'revoked' && event.to !== 'failed' && event.to !== 'stopped') return;
      actors.setState(r, event.to, event.reason);
      if (!context.busy(event.actorId) && !actors.stopExpected(event.actorId) && !context.stopping()) actors.afterExit(r, event.to);
      return;
    }
    case 'lease_lost': {
      const r = placed(event.actorId);
      if (r) actors.queue(r, 'lease lost');
      return;
    }
    case 'thread_died':
      log.warn({ workerId: event.workerId, threadIndex: event.threadIndex, error: event.error, actors: event.actorIds.length }, 'thread died');
      return;
    case 'thread_restarted':
      log.info({ workerId: event.workerId, threadIndex: event.threadIndex, actors: event.actorIds.length }, 'thread restarted');
      return;
    case 'escalate':
      log.error({ workerId: event.workerId, reason: event.reason }, 'worker escalated');
      return;
    case 'inbound':
      if (placed(event.actorId)) out.inbound(event.actorId, event.message);
      return;
    case 'positions':
      if (placed(event.actorId)) out.positions(event.actorId, event.positions);
      return;
    case 'notice':
      if (placed(event.actorId)) out.notice(event.actorId, event.notice);
      return;
  }
}
