/**
 * Single-use, expiring tokens mailed to users (email verification, password
 * reset), stored as SHA-256 in `auth_tokens`. Issuing a new one retires the
 * user's earlier unused ones of the same purpose, so only the latest mail works.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthToken, type AuthTokenPurpose } from '../../db/entities/auth-token.ts';
import { OneTimeTokenInvalidError } from '../../errors/registry.ts';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Creates a token valid for `ttlSeconds` from `now`; returns the token to mail (never stored). */
export async function issueOneTimeToken(
  em: EntityManager, userId: string, purpose: AuthTokenPurpose, ttlSeconds: number, now: number,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await em.nativeUpdate(AuthToken, { user: userId, purpose, usedAt: null }, { usedAt: new Date(now) });
  em.create(AuthToken, { user: userId, purpose, tokenHash: sha256(token), expiresAt: new Date(now + ttlSeconds * 1000) });
  await em.flush();
  return token;
}

/** The user a live token belongs to, without using it up (to check a new password before spending the link). */
export async function peekOneTimeToken(em: EntityManager, token: string, purpose: AuthTokenPurpose, now: number): Promise<string> {
  const row = await em.findOne(AuthToken, { tokenHash: sha256(token), purpose, usedAt: null, expiresAt: { $gt: new Date(now) } });
  if (row === null) throw new OneTimeTokenInvalidError({ purpose });
  return row.user.id;
}

/** Uses a token up and returns its user; a token used, expired, unknown or lost in a race is refused. */
export async function consumeOneTimeToken(em: EntityManager, token: string, purpose: AuthTokenPurpose, now: number): Promise<string> {
  const userId = await peekOneTimeToken(em, token, purpose, now);
  const used = await em.nativeUpdate(
    AuthToken,
    { tokenHash: sha256(token), purpose, usedAt: null, expiresAt: { $gt: new Date(now) } },
    { usedAt: new Date(now) },
  );
  if (used !== 1) throw new OneTimeTokenInvalidError({ purpose });
  return userId;
}
