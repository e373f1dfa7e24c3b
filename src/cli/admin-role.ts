/**
 * Granting and revoking the admin role from the command line: the way the
 * first admin comes to be (the API only lets admins make admins). Each change
 * is audited as done by the operator at the console (`actor: null`, `via:
 * cli` and the OS user), in the same transaction as the change itself.
 * Revoking sets the role the user's plan gives; every request re-reads the
 * user, so open sessions lose admin at once without being signed out.
 */
import { userInfo } from 'node:os';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { planOf } from '../api/auth/user-plan.ts';
import { recordAudit } from '../api/audit/record-audit.ts';
import { User } from '../db/entities/user.ts';
import { effectiveRole } from '../domain/plans/effective-plan.ts';
import { UserNotFoundError } from '../errors/registry.ts';

export interface RoleChange {
  userId: string;
  email: string;
  before: string;
  after: string;
  /** False when the user already had the role asked for (nothing written, nothing audited). */
  changed: boolean;
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function setAdmin(em: EntityManager, email: string, admin: boolean, now: Date): Promise<RoleChange> {
  return em.transactional(async (tx) => {
    const user = await tx.findOne(User, { email: email.trim().toLowerCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (user === null) throw new UserNotFoundError({ userId: email });
    const before = user.role;
    const after = admin ? 'admin' : effectiveRole('free_user', false, (await planOf(tx, user.id, now)).name);
    if (before === after || (!admin && before !== 'admin')) return { userId: user.id, email: user.email, before, after: before, changed: false };
    user.role = after;
    user.roleOverridden = false;
    recordAudit(tx, {
      action: admin ? 'admin.role_granted' : 'admin.role_revoked',
      actorUserId: null, targetType: 'user', targetId: user.id, ip: null,
      before: { role: before }, after: { role: after, via: 'cli', operator: operator() },
    });
    return { userId: user.id, email: user.email, before, after, changed: true };
  });
}
