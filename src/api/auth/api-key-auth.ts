/**
 * Signs a request in with an API key: the prefix finds the row, the HMAC
 * must match, the key must be live, its owner active, and the owner's plan
 * must still include API keys (a downgrade switches keys off, it does not
 * delete them). The last-used time is written at most once a minute per key.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from '../../db/entities/api-key.ts';
import { AccountInactiveError, ApiKeyInvalidError } from '../../errors/registry.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import type { ApiContext } from '../api-context.ts';
import { apiKeyMatches, apiKeyPrefix } from './api-key-codec.ts';
import { apiSecret } from './derived-secrets.ts';
import type { AuthContext } from './authenticate.ts';
import { planOf } from './user-plan.ts';

const LAST_USED_RESOLUTION_MS = 60_000;
const peppers = new WeakMap<ApiContext, Buffer>();

/** API_KEY_PEPPER (or its derived stand-in) of this context. */
export function apiKeyPepper(ctx: ApiContext): Buffer {
  let pepper = peppers.get(ctx);
  if (pepper === undefined) {
    pepper = apiSecret('API_KEY_PEPPER', ctx.config, ctx.keyring);
    peppers.set(ctx, pepper);
  }
  return pepper;
}

export async function authenticateApiKey(ctx: ApiContext, em: EntityManager, key: string): Promise<AuthContext> {
  const prefix = apiKeyPrefix(key);
  const row = prefix === null ? null : await em.findOne(ApiKey, { prefix }, { populate: ['user'] });
  // A wrong secret under a real prefix answers exactly like an unknown key.
  if (row === null || !apiKeyMatches(key, row.keyHash, apiKeyPepper(ctx))) throw new ApiKeyInvalidError({ reason: 'unknown' });
  const now = ctx.now();
  if (row.revokedAt !== null && row.revokedAt !== undefined) throw new ApiKeyInvalidError({ reason: 'revoked' });
  if (row.expiresAt !== null && row.expiresAt !== undefined && row.expiresAt.getTime() <= now) {
    throw new ApiKeyInvalidError({ reason: 'expired' });
  }
  const user = row.user.getEntity();
  if (user.status !== 'active') throw new AccountInactiveError({ status: user.status });
  const plan = await planOf(em, user.id, new Date(now));
  assertPlanAllows(plan, { ...NO_USAGE, role: user.role }, { kind: 'use_feature', feature: 'apiKeys' });
  await em.nativeUpdate(
    ApiKey,
    { id: row.id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: new Date(now - LAST_USED_RESOLUTION_MS) } }] },
    { lastUsedAt: new Date(now) },
  );
  return { userId: user.id, role: user.role, via: 'api_key', apiKeyId: row.id, scopes: [...row.scopes] };
}

/** Feature checks look at no counts; status was checked above. */
const NO_USAGE = {
  status: 'active' as const,
  sessions: 0, telegramAccounts: 0, discordAccounts: 0, pairs: 0, activePairs: 0,
  messagesThisPeriod: 0, commandsThisPeriod: 0, apiCallsThisPeriod: 0,
};
