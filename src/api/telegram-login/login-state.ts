/**
 * A login in progress between two HTTP requests, which any API process may
 * serve: the temporary auth key (the StringSession), the `phone_code_hash`,
 * the step it waits for and its expiry. It lives sealed in Redis (see
 * login-store.ts), never in a process. Pure: the shape, its parsing, which
 * step fits which state, and what the client is told.
 */
import { z } from 'zod';
import { TelegramCodeExpiredError, TelegramLoginStepError } from '../../errors/registry.ts';
import type { SentCode } from '../../telegram/telegram-login-protocol.ts';

export type LoginStep = 'code' | 'password';
export type LoginAttempt = 'code' | 'password' | 'resend';

const stateSchema = z.strictObject({
  v: z.literal(1),
  accountId: z.uuid(),
  userId: z.uuid(),
  phone: z.string(),
  step: z.enum(['code', 'password']),
  /** StringSession of the login (a secret: it holds the auth key). */
  session: z.string(),
  phoneCodeHash: z.string(),
  /** Epoch ms. */
  expiresAt: z.number().int(),
  codeType: z.string(),
  codeLength: z.number().int().nullable(),
  nextCodeType: z.string().nullable(),
  resendAfterSeconds: z.number().int().nullable(),
  passwordHint: z.string().nullable(),
});

export type LoginState = z.infer<typeof stateSchema>;

/** Redis key of a login's state, under REDIS_KEY_PREFIX. */
export function loginStateKey(accountId: string): string {
  return `tglogin:${accountId}`;
}

/** Redis key of the lock one step of the login holds. */
export function loginLockKey(accountId: string): string {
  return `tglogin:${accountId}:lock`;
}

/** Associated data of the sealed state: it opens only under its own key. */
export function loginStateContext(accountId: string): string {
  return `redis.${loginStateKey(accountId)}`;
}

/** The state after Telegram sent a code (first or again): waiting for that code until `expiresAt`. */
export function codeSentState(
  base: { accountId: string; userId: string; phone: string },
  session: string,
  sent: SentCode,
  expiresAt: number,
): LoginState {
  return {
    v: 1,
    ...base,
    step: 'code',
    session,
    phoneCodeHash: sent.phoneCodeHash,
    expiresAt,
    codeType: sent.codeType,
    codeLength: sent.codeLength,
    nextCodeType: sent.nextCodeType,
    resendAfterSeconds: sent.resendAfterSeconds,
    passwordHint: null,
  };
}

/** A stored state, or null when it is not one (written by another version, or damaged). */
export function parseLoginState(json: string): LoginState | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = stateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

const WAITS_FOR: Readonly<Record<LoginAttempt, LoginStep>> = { code: 'code', resend: 'code', password: 'password' };

/**
 * The state if `attempted` fits it. No state means the login is over
 * (expired, or removed): `telegram_code_expired`; a state waiting for another
 * step: `telegram_login_step`.
 */
export function assertStep(state: LoginState | null, accountId: string, attempted: LoginAttempt): LoginState {
  if (state === null) throw new TelegramCodeExpiredError({ accountId, reason: 'login_expired' });
  if (state.step !== WAITS_FOR[attempted]) throw new TelegramLoginStepError({ accountId, attempted, waitingFor: state.step });
  return state;
}

export type LoginView =
  | {
    next: 'code'; expiresAt: string; codeType: string; codeLength: number | null;
    nextCodeType: string | null; resendAfterSeconds: number | null;
  }
  | { next: 'password'; expiresAt: string; passwordHint: string | null }
  | { next: 'done' };

/** What the client is told about the login: the step it waits for and until when. */
export function loginView(state: LoginState | null): LoginView {
  if (state === null) return { next: 'done' };
  const expiresAt = new Date(state.expiresAt).toISOString();
  if (state.step === 'password') return { next: 'password', expiresAt, passwordHint: state.passwordHint };
  return {
    next: 'code',
    expiresAt,
    codeType: state.codeType,
    codeLength: state.codeLength,
    nextCodeType: state.nextCodeType,
    resendAfterSeconds: state.resendAfterSeconds,
  };
}
