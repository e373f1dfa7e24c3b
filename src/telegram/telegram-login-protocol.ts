/**
 * What the API hands a login thread and what comes back: plain, structured-
 * clonable data only, since it crosses a worker_threads boundary (an Error
 * subclass would arrive as a bare Error, its errorMessage and seconds lost).
 * Pure: types only, so the API's main thread never loads gramjs for them.
 */
import type { TelegramEndpoint } from './telegram-endpoint.ts';

/** One MTProto exchange of a login. */
export type LoginStepRequest =
  | { op: 'send_code'; phone: string }
  | { op: 'resend_code'; phone: string; phoneCodeHash: string }
  | { op: 'sign_in'; phone: string; phoneCodeHash: string; code: string }
  | { op: 'check_password'; password: string }
  | { op: 'log_out' };

export interface LoginStepTask {
  endpoint: TelegramEndpoint;
  /** StringSession of the login so far; `''` for the first step (a new auth key is negotiated). */
  session: string;
  /**
   * Epoch ms by which the whole step (queueing for a thread, connecting, the
   * handshake, the requests) ends, or fails as a network failure; a deadline
   * rather than a duration so time spent waiting for a free thread counts.
   */
  deadlineAt: number;
  request: LoginStepRequest;
}

/** How Telegram delivered (or will deliver) the code: `app`, `sms`, `call`, `flash_call`, `missed_call`, `email`, `fragment_sms`, `other`. */
export type CodeDelivery = string;

export interface SentCode {
  phoneCodeHash: string;
  codeType: CodeDelivery;
  /** Digits of the code, when the delivery has a fixed length. */
  codeLength: number | null;
  /** What a resend would switch to; null when there is nothing to switch to. */
  nextCodeType: CodeDelivery | null;
  /** Seconds Telegram wants before a resend; null when it set none. */
  resendAfterSeconds: number | null;
}

export interface SignedInUser {
  /** Telegram's 64-bit user id, decimal. */
  id: string;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
}

export type LoginStepResult =
  | ({ kind: 'code_sent' } & SentCode)
  | { kind: 'signed_in'; user: SignedInUser }
  | { kind: 'password_needed'; hint: string | null }
  | { kind: 'logged_out' };

/**
 * Why a step failed: Telegram answered with an RPC error (`errorMessage` as
 * Telegram names it, `FLOOD_WAIT` with `seconds` for every flood wait), or
 * the exchange never completed (refused, dropped, timed out).
 */
export type LoginFailure =
  | { kind: 'rpc'; errorMessage: string; code: number | null; seconds: number | null }
  | { kind: 'network'; reason: string };

export type LoginStepOutcome =
  | { ok: true; session: string; result: LoginStepResult }
  | { ok: false; session: string; failure: LoginFailure };
