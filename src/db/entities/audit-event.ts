/**
 * `audit_events`: who changed what, append-only. The actor is kept as a
 * nullable reference so the trail outlives a deleted admin.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    id: uuidPrimaryKey(),
    /** Null for the system itself (scheduler, plan expiry...). */
    actorUser: () => p.manyToOne(User).ref().nullable().deleteRule('set null'),
    /** e.g. `user.role_changed`. */
    action: p.text(),
    /** e.g. `user`, `forwarding_pair`. */
    targetType: p.text(),
    targetId: p.text().nullable(),
    ip: p.text().nullable(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    createdAt: createdAt(),
  },
  indexes: [
    { name: 'audit_events_target_index', properties: ['targetType', 'targetId'] },
    { name: 'audit_events_actor_user_id_created_at_index', properties: ['actorUser', 'createdAt'] },
  ],
});

export type IAuditEvent = InferEntity<typeof AuditEvent>;
