/**
 * `users`: one row per person who signs in. Users are soft-deleted
 * (`status = 'deleted'`, `deleted_at` set) so their history stays joinable.
 */
import { defineEntity, p, type EventArgs, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';

export const USER_ROLES = ['admin', 'premium_user', 'free_user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const USER_STATUSES = ['active', 'suspended', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Writes always store the lower-cased address; lookups must lower-case too. */
function lowerCaseEmail({ entity }: EventArgs<{ email: string }>): void {
  entity.email = entity.email.toLowerCase();
}

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: uuidPrimaryKey(),
    /** Stored lower-cased (a hook does it on write; a check constraint refuses anything else), so the unique index is case-insensitive. */
    email: p.text().unique('users_email_unique'),
    passwordHash: p.text().hidden(),
    /** Default `free_user`; follows the subscription unless {@link roleOverridden}. */
    role: p.enum(USER_ROLES).default('free_user'),
    /** An admin set the role by hand, so subscription changes leave it alone. Default false. */
    roleOverridden: p.boolean().default(false),
    /** Default `active`. */
    status: p.enum(USER_STATUSES).default('active'),
    emailVerifiedAt: optionalTimestamp(),
    /** TOTP secret sealed with SECRET_KEYS; listed in `secret-columns.ts` for key rotation. */
    totpSecretCiphertext: p.text().nullable().hidden(),
    /** Default false. */
    totpEnabled: p.boolean().default(false),
    /** Access tokens issued before this instant are refused: "sign out everywhere". Null: none revoked. */
    tokensNotBefore: optionalTimestamp(),
    lastLoginAt: optionalTimestamp(),
    deletedAt: optionalTimestamp(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  checks: [{ name: 'users_email_lower_check', expression: 'email = lower(email)' }],
  hooks: { beforeCreate: [lowerCaseEmail], beforeUpdate: [lowerCaseEmail] },
});

export type IUser = InferEntity<typeof User>;
