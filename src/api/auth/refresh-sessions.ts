/**
 * Sign-in sessions as refresh-token families. A refresh token is
 * `<family id>.<256 random bits>`; only its SHA-256 is stored, as the
 * family's `current_token_hash`. Every refresh replaces it (rotation), with a
 * compare-and-set so two uses of one token cannot both win; presenting any
 * other token of the family means a copy is in someone else's hands, so the
 * whole family is revoked and every access token of it dies with it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshTokenFamily } from '../../db/entities/refresh-token-family.ts';
import { User, type IUser } from '../../db/entities/user.ts';
import { AccountInactiveError, RefreshTokenInvalidError, RefreshTokenReusedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import type { ClientInfo } from '../http/client-info.ts';
import { audit } from './audit.ts';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
  /** The session (family) id, as `GET /v1/auth/sessions` lists it. */
  sessionId: string;
}

const TOKEN_SHAPE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function newRefreshToken(familyId: string): { token: string; hash: string } {
  const token = `${familyId}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Starts a session for a user who just proved who they are. */
export async function startSession(ctx: ApiContext, em: EntityManager, user: IUser, client: ClientInfo): Promise<IssuedTokens> {
  const now = ctx.now();
  const family = em.create(RefreshTokenFamily, {
    user: user.id,
    device: client.device,
    ip: client.ip,
    userAgent: client.userAgent,
    currentTokenHash: 'pending',
    lastUsedAt: new Date(now),
    expiresAt: new Date(now + ctx.config.REFRESH_TOKEN_TTL * 1000),
  });
  const { token, hash } = newRefreshToken(family.id);
  family.currentTokenHash = hash;
  user.lastLoginAt = new Date(now);
  await em.flush();
  return tokensFor(ctx, user, family.id, token);
}

function tokensFor(ctx: ApiContext, user: Pick<IUser, 'id' | 'role'>, sessionId: string, refreshToken: string): IssuedTokens {
  return {
    accessToken: ctx.accessTokens.issue({ userId: user.id, role: user.role, sessionId }),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: ctx.accessTokens.ttlSeconds,
    sessionId,
  };
}

/** Exchanges a refresh token for a new pair; see the module comment for reuse. */
export async function rotateSession(ctx: ApiContext, em: EntityManager, presented: string, client: ClientInfo): Promise<IssuedTokens> {
  const match = TOKEN_SHAPE.exec(presented);
  if (match === null) throw new RefreshTokenInvalidError({});
  const familyId = match[1] as string;
  const family = await em.findOne(RefreshTokenFamily, { id: familyId }, { populate: ['user'] });
  const now = ctx.now();
  if (family === null || family.revokedAt != null || family.expiresAt.getTime() <= now) throw new RefreshTokenInvalidError({});
  const presentedHash = sha256(presented);
  if (!sameHash(presentedHash, family.currentTokenHash)) return reuseDetected(em, family.id, family.user.id, client);
  const user = family.user.getEntity();
  if (user.status !== 'active') throw new AccountInactiveError({ status: user.status });
  const next = newRefreshToken(family.id);
  const swapped = await em.nativeUpdate(
    RefreshTokenFamily,
    { id: family.id, currentTokenHash: presentedHash, revokedAt: null },
    { currentTokenHash: next.hash, lastUsedAt: new Date(now), ip: client.ip, userAgent: client.userAgent, device: client.device },
  );
  // Another request rotated this very token a moment ago: one of the two is a copy.
  if (swapped !== 1) return reuseDetected(em, family.id, user.id, client);
  return tokensFor(ctx, user, family.id, next.token);
}

async function reuseDetected(em: EntityManager, familyId: string, userId: string, client: ClientInfo): Promise<never> {
  await em.nativeUpdate(RefreshTokenFamily, { id: familyId, revokedAt: null }, { revokedAt: new Date(), revokedReason: 'reuse_detected' });
  await audit(em, { action: 'auth.refresh_token_reused', actorUserId: userId, targetType: 'session', targetId: familyId, ip: client.ip });
  throw new RefreshTokenReusedError({});
}

/** Revokes one session of `userId`; false when it has no such live session. */
export async function revokeSession(em: EntityManager, userId: string, sessionId: string, reason: string): Promise<boolean> {
  const count = await em.nativeUpdate(
    RefreshTokenFamily,
    { id: sessionId, user: userId, revokedAt: null },
    { revokedAt: new Date(), revokedReason: reason },
  );
  return count > 0;
}

/**
 * Ends every session of a user but `keep`, and refuses every access token
 * issued before now (`tokens_not_before`), so none outlives the change.
 */
export async function revokeAllSessions(
  ctx: ApiContext, em: EntityManager, userId: string, reason: string, keep?: string,
): Promise<void> {
  const now = new Date(ctx.now());
  await em.nativeUpdate(
    RefreshTokenFamily,
    { user: userId, revokedAt: null, ...(keep === undefined ? {} : { id: { $ne: keep } }) },
    { revokedAt: now, revokedReason: reason },
  );
  await em.nativeUpdate(User, { id: userId }, { tokensNotBefore: now });
}

/** A fresh access token for a session that stays (after a password change). */
export function accessTokenFor(
  ctx: ApiContext, user: Pick<IUser, 'id' | 'role'>, sessionId: string | undefined,
): Pick<IssuedTokens, 'accessToken' | 'tokenType' | 'expiresIn'> {
  const claims = { userId: user.id, role: user.role, ...(sessionId === undefined ? {} : { sessionId }) };
  return { accessToken: ctx.accessTokens.issue(claims), tokenType: 'Bearer', expiresIn: ctx.accessTokens.ttlSeconds };
}
