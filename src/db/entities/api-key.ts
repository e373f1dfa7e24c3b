/**
 * `api_keys`: programmatic access. Only an HMAC of the key is stored; the
 * prefix is what users see and how a presented key is found.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, optionalTimestamp, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade').index('api_keys_user_id_index'),
    name: p.text(),
    prefix: p.text().unique('api_keys_prefix_unique'),
    /** HMAC of the whole key; never the key itself. */
    keyHash: p.text().hidden(),
    /** Default `{}` (no scopes). */
    scopes: p.array().default([]),
    /** Null: never expires. */
    expiresAt: optionalTimestamp(),
    revokedAt: optionalTimestamp(),
    lastUsedAt: optionalTimestamp(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export type IApiKey = InferEntity<typeof ApiKey>;
