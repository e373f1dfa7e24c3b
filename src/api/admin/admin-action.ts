/**
 * One admin action on one user: the target row locked, the change and its
 * audit entry (actor, target, address, before and after) committed together,
 * so there is no change without its trace and no trace of a refused change.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { RefreshTokenFamily } from '../../db/entities/refresh-token-family.ts';
import { User, type IUser } from '../../db/entities/user.ts';
import { AdminSelfActionError, UserNotFoundError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { clientIp, recordAudit } from '../audit/record-audit.ts';
import { authOf } from '../auth/authenticate.ts';

/** Who acts, for the audit entry: an admin through the API (with its address) or through a control bot. */
export interface AdminActor {
  userId: string;
  /** The client address; null when the action came through a bot. */
  ip: string | null;
  /** How the action came in, when not the HTTP API, e.g. `bot:discord`; recorded in the entry's `after`. */
  via?: string;
}

/** The admin behind an API request. */
export function actorOf(req: Request): AdminActor {
  return { userId: authOf(req).userId, ip: clientIp(req) };
}

export interface ActionOutcome<R> {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  result: R;
}

export interface AdminActionOptions {
  /** e.g. `admin.user_suspended`. */
  action: string;
  /** Refuse the action on the admin's own account (suspend, delete). Default false. */
  notOnSelf?: string;
}

export async function adminAction<R>(
  ctx: ApiContext,
  actor: AdminActor,
  targetId: string,
  options: AdminActionOptions,
  change: (em: EntityManager, user: IUser) => Promise<ActionOutcome<R>>,
): Promise<R> {
  if (options.notOnSelf !== undefined && actor.userId === targetId) throw new AdminSelfActionError({ action: options.notOnSelf });
  return ctx.orm.em.fork().transactional(async (em) => {
    const user = await em.findOne(User, { id: targetId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (user === null) throw new UserNotFoundError({ userId: targetId });
    const outcome = await change(em, user);
    recordAudit(em, {
      action: options.action,
      actorUserId: actor.userId,
      targetType: 'user',
      targetId,
      ip: actor.ip,
      before: outcome.before,
      after: withVia(outcome.after, actor),
    });
    await em.flush();
    return outcome.result;
  });
}

/** The entry's `after`, marked with the bot the action came through. */
export function withVia(after: Record<string, unknown> | null, actor: AdminActor): Record<string, unknown> | null {
  return actor.via === undefined ? after : { ...after, via: actor.via };
}

/** Ends every sign-in of `userId` and refuses access tokens issued before `now`; returns how many sessions were open. */
export async function revokeAllSessions(em: EntityManager, user: IUser, now: Date, reason: string): Promise<number> {
  const revoked = await em.nativeUpdate(
    RefreshTokenFamily,
    { user: user.id, revokedAt: null },
    { revokedAt: now, revokedReason: reason, updatedAt: now },
  );
  user.tokensNotBefore = now;
  return revoked;
}
