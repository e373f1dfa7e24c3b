/**
 * Removes Telegram logins that ended without completing: pending rows past
 * their `login_expires_at` (or with none, from before logins expired), with
 * any pairs already pointing at them, since such an account can never run.
 * They stopped counting against the plan when they expired; this only
 * clears them from the user's list. Each row is re-checked under a row lock
 * in its own transaction, so a login completing at that moment is kept.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { TELEGRAM_PENDING_STATUSES, TelegramAccount } from '../../db/entities/telegram-account.ts';
import type { ApiContext, RuntimeChange } from '../api-context.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { dropLoginState } from '../telegram-login/login-store.ts';

/** Rows handled per run; the next run takes the rest. */
const BATCH = 500;

const deadLogin = (now: Date) => ({
  status: { $in: [...TELEGRAM_PENDING_STATUSES] },
  $or: [{ loginExpiresAt: null }, { loginExpiresAt: { $lte: now } }],
});

/**
 * Inside a transaction: deletes `accountId` if it is still a dead login as of
 * `now`, with the pairs using it. Null when it is not (completed, or gone).
 */
export async function removeDeadLogin(em: EntityManager, accountId: string, now: Date): Promise<{ userId: string; pairIds: string[] } | null> {
  const row = await em.findOne(TelegramAccount, { id: accountId, ...deadLogin(now) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (row === null) return null;
  const pairs = await em.find(ForwardingPair, {
    $or: [
      { sourcePlatform: 'telegram', sourceAccountId: accountId },
      { destinationPlatform: 'telegram', destinationAccountId: accountId },
    ],
  }, { fields: ['id'] });
  const pairIds = pairs.map((p) => p.id);
  if (pairIds.length > 0) await em.nativeDelete(ForwardingPair, { id: { $in: pairIds } });
  await em.nativeDelete(TelegramAccount, { id: accountId });
  return { userId: row.user.id, pairIds };
}

/** The pairs removed with dead logins, for the runtime (the logins themselves never ran). */
export function removedPairChanges(userId: string, pairIds: readonly string[]): RuntimeChange[] {
  return pairIds.map((id): RuntimeChange => ({ kind: 'pair', id, userId, action: 'delete' }));
}

/** Removes every dead login as of `now`; safe to run concurrently and repeatedly. Returns the removed accounts' ids. */
export async function expireTelegramLogins(ctx: ApiContext, now: Date): Promise<string[]> {
  const candidates = await ctx.orm.em.fork().find(TelegramAccount, deadLogin(now), {
    fields: ['id'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: BATCH,
  });
  const removed: string[] = [];
  for (const { id } of candidates) {
    const done = await ctx.orm.em.fork().transactional((em) => removeDeadLogin(em, id, now));
    if (done === null) continue;
    removed.push(id);
    // Normally expired with the login already; a state outliving its row must not be resumable.
    await dropLoginState(ctx, id).catch(() => undefined);
    await tellRuntime(ctx, removedPairChanges(done.userId, done.pairIds));
  }
  if (removed.length > 0) ctx.logger.info({ removed: removed.length }, 'expired Telegram logins removed');
  return removed;
}
