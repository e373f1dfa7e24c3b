/**
 * The step between a right password and the 2FA code: an opaque token (256
 * random bits) kept in Redis for MFA_TOKEN_TTL seconds, naming the user. It
 * allows a few code attempts and is deleted on success, so it cannot start
 * a second session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiContext } from '../api-context.ts';

/** Wrong codes one challenge takes before it is dropped. */
export const MFA_MAX_ATTEMPTS = 5;

export interface MfaChallenge {
  userId: string;
  /** Lower-cased email, the lock-out key. */
  email: string;
}

function keyOf(token: string): string {
  return `auth:mfa:${createHash('sha256').update(token).digest('hex')}`;
}

export async function createMfaChallenge(ctx: ApiContext, challenge: MfaChallenge): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await ctx.redis.set(keyOf(token), JSON.stringify(challenge), 'EX', ctx.config.MFA_TOKEN_TTL);
  return token;
}

export async function readMfaChallenge(ctx: ApiContext, token: string): Promise<MfaChallenge | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const raw = await ctx.redis.get(keyOf(token));
  if (raw === null) return null;
  const { userId, email } = JSON.parse(raw) as MfaChallenge;
  return { userId, email };
}

/** Counts a wrong code; the last allowed one drops the challenge. */
export async function failMfaChallenge(ctx: ApiContext, token: string): Promise<void> {
  const key = keyOf(token);
  const attempts = await ctx.redis.hincrby(`${key}:attempts`, 'n', 1);
  await ctx.redis.expire(`${key}:attempts`, ctx.config.MFA_TOKEN_TTL);
  if (attempts >= MFA_MAX_ATTEMPTS) await ctx.redis.del(key, `${key}:attempts`);
}

/** Takes the challenge for good; false if another request already did (or it expired). */
export async function completeMfaChallenge(ctx: ApiContext, token: string): Promise<boolean> {
  const key = keyOf(token);
  const removed = await ctx.redis.del(key);
  await ctx.redis.del(`${key}:attempts`);
  return removed === 1;
}
