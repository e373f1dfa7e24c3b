/**
 * A login's state in Redis, sealed with SECRET_KEYS (it holds a temporary
 * auth key) and expiring with the login, plus the short lock one step holds
 * so two submissions of the same login, on any API processes, never run at
 * once. Keys are under REDIS_KEY_PREFIX (the client adds it).
 */
import { randomUUID } from 'node:crypto';
import { openSecret, sealSecret } from '../../crypto/secret-box.ts';
import { TelegramLoginStepError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import {
  loginLockKey, loginStateContext, loginStateKey, parseLoginState, type LoginAttempt, type LoginState,
} from './login-state.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Stores `state` until its `expiresAt`; a state already expired is removed instead. */
export async function saveLoginState(ctx: ApiContext, state: LoginState): Promise<void> {
  const ttlMs = state.expiresAt - ctx.now();
  const key = loginStateKey(state.accountId);
  if (ttlMs <= 0) {
    await ctx.redis.del(key);
    return;
  }
  const sealed = sealSecret(ctx.keyring, JSON.stringify(state), loginStateContext(state.accountId));
  await ctx.redis.set(key, sealed, 'PX', ttlMs);
}

/** The login of `accountId` owned by `userId`, or null when there is none (expired, finished, or unreadable). */
export async function loadLoginState(ctx: ApiContext, accountId: string, userId: string): Promise<LoginState | null> {
  const sealed = await ctx.redis.get(loginStateKey(accountId));
  if (sealed === null) return null;
  let state: LoginState | null;
  try {
    state = parseLoginState(openSecret(ctx.keyring, sealed, loginStateContext(accountId)));
  } catch (err) {
    // A key removed from SECRET_KEYS mid-login, or tampering: the login cannot go on, the user starts again.
    ctx.logger.warn({ accountId, code: (err as { code?: unknown }).code }, 'Telegram login state cannot be opened');
    return null;
  }
  if (state === null || state.accountId !== accountId || state.userId !== userId) return null;
  return state;
}

export async function dropLoginState(ctx: ApiContext, accountId: string): Promise<void> {
  await ctx.redis.del(loginStateKey(accountId));
}

/**
 * Runs `fn` holding the login's lock for at most `holdMs` (longer than any
 * step can take); a login whose lock is held answers `telegram_login_step`
 * (`busy`) at once rather than queueing a second submission behind the first.
 */
export async function withLoginLock<T>(
  ctx: ApiContext,
  accountId: string,
  attempted: LoginAttempt,
  holdMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const key = loginLockKey(accountId);
  const token = randomUUID();
  const taken = await ctx.redis.set(key, token, 'PX', holdMs, 'NX');
  if (taken === null) throw new TelegramLoginStepError({ accountId, attempted, waitingFor: 'busy' });
  try {
    return await fn();
  } finally {
    // Only the holder releases: a lock that lapsed and was taken by another step stays theirs.
    await ctx.redis.eval(RELEASE, 1, key, token).catch((err: unknown) => ctx.logger.warn({ err, accountId }, 'Telegram login lock not released; it lapses by itself'));
  }
}
