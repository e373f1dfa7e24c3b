/**
 * `auth_tokens`: single-use links mailed to a user (email verification,
 * password reset). Only the SHA-256 of the token is stored: the token is 256
 * random bits, so a slow hash adds nothing, and a leaked table opens no link.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const AUTH_TOKEN_PURPOSES = ['email_verification', 'password_reset'] as const;
export type AuthTokenPurpose = (typeof AUTH_TOKEN_PURPOSES)[number];

export const AuthToken = defineEntity({
  name: 'AuthToken',
  tableName: 'auth_tokens',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('auth_tokens_user_id_index'),
    purpose: p.enum(AUTH_TOKEN_PURPOSES),
    /** Hex SHA-256 of the token. */
    tokenHash: p.text().unique('auth_tokens_token_hash_unique').hidden(),
    expiresAt: p.datetime(),
    /** Set when the link is followed (or superseded); a used token never works again. */
    usedAt: optionalTimestamp(),
    createdAt: createdAt(),
  },
});

export type IAuthToken = InferEntity<typeof AuthToken>;
