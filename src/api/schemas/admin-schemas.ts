/** Shapes of the admin routes' answers. */
import { z } from 'zod';
import type { IAuditEvent } from '../../db/entities/audit-event.ts';
import type { IRefreshTokenFamily } from '../../db/entities/refresh-token-family.ts';
import { USER_ROLES, USER_STATUSES, type IUser } from '../../db/entities/user.ts';
import { SUBSCRIPTION_STATUSES, type IUserSubscription } from '../../db/entities/user-subscription.ts';
import { figureSchema } from '../usage/usage-report.ts';
import { discordAccountSchema, telegramAccountSchema } from './account-schemas.ts';
import { iso, isoOrNull, timestampSchema } from './common-schemas.ts';
import { pairSchema } from './pair-schemas.ts';
import { TIER_NAMES } from './plan-schemas.ts';

export const adminUserRowSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  status: z.enum(USER_STATUSES),
  plan: z.enum(TIER_NAMES).describe('The plan in force now'),
  createdAt: timestampSchema,
  lastLoginAt: timestampSchema.nullable(),
  usage: z.object({
    pairs: z.number().int(),
    sessions: z.number().int().describe('Linked accounts not revoked'),
    messagesForwarded: z.number().int().describe('This period'),
    apiCalls: z.number().int().describe('This period'),
  }),
});

export const adminUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  roleOverridden: z.boolean(),
  status: z.enum(USER_STATUSES),
  emailVerified: z.boolean(),
  totpEnabled: z.boolean(),
  tokensNotBefore: timestampSchema.nullable(),
  createdAt: timestampSchema,
  lastLoginAt: timestampSchema.nullable(),
  deletedAt: timestampSchema.nullable(),
});

export function adminUserView(u: IUser): z.infer<typeof adminUserSchema> {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    roleOverridden: u.roleOverridden,
    status: u.status,
    emailVerified: u.emailVerifiedAt !== null && u.emailVerifiedAt !== undefined,
    totpEnabled: u.totpEnabled,
    tokensNotBefore: isoOrNull(u.tokensNotBefore),
    createdAt: iso(u.createdAt),
    lastLoginAt: isoOrNull(u.lastLoginAt),
    deletedAt: isoOrNull(u.deletedAt),
  };
}

export const subscriptionRowSchema = z.object({
  id: z.uuid(),
  plan: z.enum(TIER_NAMES),
  status: z.enum(SUBSCRIPTION_STATUSES),
  startedAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  cancelledAt: timestampSchema.nullable(),
});

export function subscriptionRowView(s: IUserSubscription): z.infer<typeof subscriptionRowSchema> {
  return {
    id: s.id,
    plan: s.plan.getEntity().name,
    status: s.status,
    startedAt: iso(s.startedAt),
    expiresAt: isoOrNull(s.expiresAt),
    cancelledAt: isoOrNull(s.cancelledAt),
  };
}

export const authSessionSchema = z.object({
  id: z.uuid(),
  device: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  expiresAt: timestampSchema,
  revokedAt: timestampSchema.nullable(),
  revokedReason: z.string().nullable(),
});

export function authSessionView(f: IRefreshTokenFamily): z.infer<typeof authSessionSchema> {
  return {
    id: f.id,
    device: f.device ?? null,
    ip: f.ip ?? null,
    userAgent: f.userAgent ?? null,
    createdAt: iso(f.createdAt),
    lastUsedAt: isoOrNull(f.lastUsedAt),
    expiresAt: iso(f.expiresAt),
    revokedAt: isoOrNull(f.revokedAt),
    revokedReason: f.revokedReason ?? null,
  };
}

export const adminUserDetailSchema = z.object({
  user: adminUserSchema,
  plan: z.enum(TIER_NAMES).describe('The plan in force now'),
  subscriptions: z.array(subscriptionRowSchema).describe('Newest first; at most one is active or trial'),
  usage: z.record(z.string(), figureSchema).describe('As `GET /v1/usage` reports it to the user'),
  discordAccounts: z.array(discordAccountSchema),
  telegramAccounts: z.array(telegramAccountSchema),
  pairs: z.array(pairSchema),
  sessions: z.array(authSessionSchema).describe('Sign-ins (refresh-token families), newest first'),
});

export const auditEventSchema = z.object({
  id: z.uuid(),
  action: z.string(),
  actorUserId: z.uuid().nullable().describe('Null: the system (plan expiry) or an unknown caller'),
  targetType: z.string(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  createdAt: timestampSchema,
});

export function auditEventView(e: IAuditEvent): z.infer<typeof auditEventSchema> {
  return {
    id: e.id,
    action: e.action,
    actorUserId: e.actorUser?.id ?? null,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    ip: e.ip ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    createdAt: iso(e.createdAt),
  };
}
