/**
 * The actor lifecycle as a transition table, so the supervisor, the thread
 * host and the tests agree on which moves are legal. `revoked` is terminal:
 * the platform rejected the credentials (a revoked Telegram session, an
 * invalid bot token), and restarting would only be rejected again.
 */
export type ActorState =
  | 'starting'
  | 'running'
  | 'idle'
  | 'paused'
  | 'stopping'
  | 'stopped'
  | 'failed'
  | 'revoked';

export type ActorEvent =
  | 'started'
  | 'go_idle'
  | 'activity'
  | 'pause'
  | 'resume'
  | 'stop'
  | 'stopped'
  | 'crash'
  | 'credentials_rejected'
  | 'restart';

const TRANSITIONS: Readonly<Record<ActorState, Partial<Record<ActorEvent, ActorState>>>> = {
  starting: { started: 'running', crash: 'failed', credentials_rejected: 'revoked', stop: 'stopping' },
  running: { go_idle: 'idle', pause: 'paused', stop: 'stopping', crash: 'failed', credentials_rejected: 'revoked', activity: 'running' },
  idle: { activity: 'running', pause: 'paused', stop: 'stopping', crash: 'failed', credentials_rejected: 'revoked' },
  paused: { resume: 'starting', stop: 'stopping', crash: 'failed' },
  stopping: { stopped: 'stopped', crash: 'stopped' },
  stopped: { restart: 'starting' },
  failed: { restart: 'starting', stop: 'stopped' },
  revoked: {},
};

/** The state after `event`, or `null` when the event is not legal in `from`. */
export function nextState(from: ActorState, event: ActorEvent): ActorState | null {
  return TRANSITIONS[from][event] ?? null;
}

/** States in which an actor holds a live platform connection. */
export function isConnected(state: ActorState): boolean {
  return state === 'running' || state === 'idle';
}

/** A revoked actor is never restarted; its owner is told instead. */
export function isTerminal(state: ActorState): boolean {
  return state === 'revoked';
}
