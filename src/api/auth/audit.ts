/**
 * Security events written to `audit_events`: sign-ins and their failures,
 * 2FA, password and API key changes. Never the secret itself: `after` holds
 * what changed (a reason, a key's prefix), not passwords, codes or tokens.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../db/entities/audit-event.ts';

export type AuthAuditAction =
  | 'auth.registered'
  | 'auth.email_verified'
  | 'auth.login_succeeded'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.logout_everywhere'
  | 'auth.session_revoked'
  | 'auth.refresh_token_reused'
  | 'auth.password_changed'
  | 'auth.password_reset'
  | 'auth.totp_enabled'
  | 'auth.totp_disabled'
  | 'auth.recovery_codes_regenerated'
  | 'auth.recovery_code_used'
  | 'api_key.created'
  | 'api_key.revoked';

export interface AuditEntry {
  action: AuthAuditAction;
  /** Who did it; null when nobody is known (a failed sign-in with an unknown email). */
  actorUserId: string | null;
  targetType: 'user' | 'api_key' | 'session';
  targetId: string | null;
  ip: string | null;
  after?: Record<string, unknown>;
}

/** Writes one event and flushes it (on its own, so a refused request still leaves its trace). */
export async function audit(em: EntityManager, entry: AuditEntry): Promise<void> {
  em.create(AuditEvent, {
    action: entry.action,
    actorUser: entry.actorUserId,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ip: entry.ip,
    after: entry.after ?? null,
  });
  await em.flush();
}
