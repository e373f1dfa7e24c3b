/**
 * `refresh_token_families`: one row per sign-in, rotated on every refresh.
 * Presenting any token but the current one revokes the family (theft). The
 * rows double as the user's list of sessions, with device and address.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const RefreshTokenFamily = defineEntity({
  name: 'RefreshTokenFamily',
  tableName: 'refresh_token_families',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('refresh_token_families_user_id_index'),
    /** A label for the sign-in, e.g. parsed from the user agent. */
    device: p.text().nullable(),
    ip: p.text().nullable(),
    userAgent: p.text().nullable(),
    /** Hash of the only refresh token of this family that is still valid. */
    currentTokenHash: p.text().unique('refresh_token_families_current_token_hash_unique').hidden(),
    revokedAt: optionalTimestamp(),
    /** e.g. `logout`, `reuse_detected`, `password_changed`. */
    revokedReason: p.text().nullable(),
    lastUsedAt: optionalTimestamp(),
    expiresAt: p.datetime(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export type IRefreshTokenFamily = InferEntity<typeof RefreshTokenFamily>;
