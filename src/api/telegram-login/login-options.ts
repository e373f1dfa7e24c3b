/**
 * Options of the API's Telegram login: the thread pool gramjs runs in and
 * the login's time limits. Checked once, up front, with messages naming the
 * option, so a bad value fails at start-up rather than at the first login.
 */
import { checkBoolean, checkOptionsObject, checkPositiveInteger, failOption } from '../../options/option-checks.ts';

export interface TelegramLoginOptions {
  /** Threads running gramjs for logins (the DH handshake and SRP math stay off the event loop). Default 2. */
  threads?: number;
  /** Login steps one thread runs at once: a step mostly waits on the network. Default 16. */
  concurrentStepsPerThread?: number;
  /**
   * Seconds a login stays open after its code was sent (or re-sent, or the
   * password asked for): the TTL of its Redis state and its row's
   * `login_expires_at`, after which it no longer counts against the plan.
   * Default 600.
   */
  loginTtlSeconds?: number;
  /** Longest one step may take, queueing for a thread included, in ms; beyond it `telegram_unreachable`. Default 20,000. */
  stepTimeoutMs?: number;
  /**
   * Run gramjs on the calling thread instead of the pool. Only for the
   * benchmark's comparison: it blocks the API's event loop. Default false.
   */
  inline?: boolean;
}

export interface TelegramLoginSettings {
  threads: number;
  concurrentStepsPerThread: number;
  loginTtlSeconds: number;
  stepTimeoutMs: number;
  inline: boolean;
  /**
   * How long a step holds its login's lock: the step's own bound plus room
   * for the database and Redis writes around it, so a lock never lapses
   * while its step can still finish.
   */
  lockMs: number;
}

/** Room for the writes around a step, inside its lock. */
const LOCK_MARGIN_MS = 10_000;

export function parseTelegramLoginOptions(options: TelegramLoginOptions = {}): TelegramLoginSettings {
  const o = checkOptionsObject(options) as TelegramLoginOptions;
  const threads = checkPositiveInteger('threads', o.threads ?? 2);
  const concurrentStepsPerThread = checkPositiveInteger('concurrentStepsPerThread', o.concurrentStepsPerThread ?? 16);
  const loginTtlSeconds = checkPositiveInteger('loginTtlSeconds', o.loginTtlSeconds ?? 600);
  const stepTimeoutMs = o.stepTimeoutMs ?? 20_000;
  if (typeof stepTimeoutMs !== 'number' || !Number.isInteger(stepTimeoutMs) || stepTimeoutMs < 1_000) {
    failOption('stepTimeoutMs', 'must be a whole number of ms, 1000 or more');
  }
  if (stepTimeoutMs >= loginTtlSeconds * 1_000) failOption('stepTimeoutMs', 'must be shorter than loginTtlSeconds');
  const inline = checkBoolean('inline', o.inline ?? false);
  return { threads, concurrentStepsPerThread, loginTtlSeconds, stepTimeoutMs, inline, lockMs: stepTimeoutMs + LOCK_MARGIN_MS };
}
