/**
 * Audit entries of admin actions and of the system's own changes to a user's
 * data (plan expiry): who, on what, from where, and the state before and
 * after, so an operator can answer "who paused my pairs and why".
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { AuditEvent } from '../../db/entities/audit-event.ts';

export interface AuditRecord {
  /** e.g. `admin.user_suspended`, `subscription.expired`. */
  action: string;
  /** The acting user; null for the system itself. */
  actorUserId: string | null;
  /** e.g. `user`, `session`. */
  targetType: string;
  targetId: string | null;
  ip: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Adds the entry to `em`'s unit of work without flushing: inside a
 * transaction it commits, or rolls back, with the change it describes.
 */
export function recordAudit(em: EntityManager, record: AuditRecord): void {
  em.create(AuditEvent, {
    action: record.action,
    actorUser: record.actorUserId,
    targetType: record.targetType,
    targetId: record.targetId,
    ip: record.ip,
    before: record.before ?? null,
    after: record.after ?? null,
  });
}

/** The client address Express derived (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string | null {
  return req.ip ?? null;
}
