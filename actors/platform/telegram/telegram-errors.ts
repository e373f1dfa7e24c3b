/**
 * What a Telegram RPC error means for the task or the session that met it.
 * gramjs raises `RPCError`s carrying Telegram's `errorMessage` and `code`;
 * waits (FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X) come as
 * `FloodError`s with the seconds in `seconds`. Pure: the caller passes those
 * fields, so this needs no gramjs.
 */
import type { SendResult } from '../../../src/runtime-contracts/actor-contract.ts';

export type SendFailure = Extract<SendResult, { ok: false }>;

/** The fields of a gramjs error this reads; anything else counts as a network or timeout failure. */
export interface ErrorFacts {
  errorMessage?: unknown;
  code?: unknown;
  seconds?: unknown;
  message?: unknown;
}

/**
 * Errors after which the session is gone for good: logged out, terminated
 * from another device, the account deleted or banned, or its key used from
 * two places at once. The account is marked revoked and never restarted.
 */
const TERMINAL = new Set([
  'AUTH_KEY_UNREGISTERED', 'AUTH_KEY_INVALID', 'SESSION_REVOKED', 'SESSION_EXPIRED',
  'USER_DEACTIVATED', 'USER_DEACTIVATED_BAN', 'AUTH_KEY_DUPLICATED',
]);

/**
 * 400/403 answers that a retry could change: the server asks to wait or to
 * try again. Every other 400, 403 and 406 is about the request or the chat
 * (CHAT_WRITE_FORBIDDEN, CHANNEL_PRIVATE, PEER_ID_INVALID, MESSAGE_TOO_LONG,
 * USER_BANNED_IN_CHANNEL, ...) and stays as it is.
 */
const RETRYABLE_400 = new Set(['MSG_WAIT_FAILED', 'TIMEOUT']);

function text(facts: ErrorFacts): string {
  if (typeof facts.errorMessage === 'string' && facts.errorMessage !== '') return facts.errorMessage;
  return typeof facts.message === 'string' ? facts.message : 'unknown error';
}

/** The fields of anything thrown (gramjs errors carry them; anything else only a message). */
export function factsOf(error: unknown): ErrorFacts {
  return typeof error === 'object' && error !== null ? error as ErrorFacts : { message: String(error) };
}

/** Why the session is over, when `error` ends it; null otherwise. */
export function sessionEnded(error: unknown): string | null {
  const terminal = terminalError(factsOf(error));
  return terminal === null ? null : `Telegram ended the session (${terminal})`;
}

/** The terminal RPC error `facts` names, or null. Any 401 is one: Telegram no longer knows the session. */
export function terminalError(facts: ErrorFacts): string | null {
  const name = typeof facts.errorMessage === 'string' ? facts.errorMessage : '';
  if (TERMINAL.has(name)) return name;
  return facts.code === 401 ? name || 'UNAUTHORIZED' : null;
}

/** A wait Telegram imposed, in ms, or null when `facts` is no wait. */
export function waitMs(facts: ErrorFacts): number | null {
  if (facts.code !== 420 && typeof facts.seconds !== 'number') return null;
  const seconds = typeof facts.seconds === 'number' && Number.isFinite(facts.seconds) ? facts.seconds : 0;
  // FLOOD_WAIT_0 still means "not right now".
  return Math.max(1_000, Math.ceil(seconds * 1_000));
}

/** The SendResult of a failed request. */
export function sendFailure(facts: ErrorFacts): SendFailure {
  const name = text(facts);
  const ended = sessionEnded(facts);
  if (ended !== null) return { ok: false, kind: 'revoked', message: ended };
  const wait = waitMs(facts);
  if (wait !== null) {
    const detail = typeof facts.message === 'string' && facts.message !== '' ? `: ${facts.message}` : '';
    return { ok: false, kind: 'flood_wait', message: `Telegram asked to wait ${wait / 1_000} s${detail}`, retryAfterMs: wait };
  }
  const code = typeof facts.code === 'number' ? facts.code : null;
  if ((code === 400 || code === 403 || code === 406) && !RETRYABLE_400.has(name)) {
    return { ok: false, kind: 'permanent', message: `${code} ${name}` };
  }
  return { ok: false, kind: 'transient', message: code === null ? name : `${code} ${name}` };
}
