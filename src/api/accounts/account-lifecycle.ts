/**
 * Pausing, resuming and unlinking a linked account, the same for both
 * platforms. Resuming is checked against the plan like linking (only running
 * accounts count); unlinking removes the pairs that read from or wrote to the
 * account in the same transaction, since a pair without its account can
 * never run again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DiscordAccount, type IDiscordAccount } from '../../db/entities/discord-account.ts';
import { ForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { TelegramAccount, type ITelegramAccount } from '../../db/entities/telegram-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { AccountStateConflictError, LinkedAccountNotFoundError } from '../../errors/registry.ts';
import type { ApiContext, RuntimeChange } from '../api-context.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { ownerStanding } from './owner-standing.ts';

export type AccountPlatform = 'telegram' | 'discord';

type AnyAccount = IDiscordAccount | ITelegramAccount;

const runtimeKind = (platform: AccountPlatform): RuntimeChange['kind'] => (platform === 'discord' ? 'discord_account' : 'telegram_account');

/** The caller's account, or 404 (another user's account answers exactly like a missing one). */
export async function findOwnAccount(em: EntityManager, platform: 'discord', userId: string, id: string, field?: string): Promise<IDiscordAccount>;
export async function findOwnAccount(em: EntityManager, platform: 'telegram', userId: string, id: string, field?: string): Promise<ITelegramAccount>;
export async function findOwnAccount(em: EntityManager, platform: AccountPlatform, userId: string, id: string, field?: string): Promise<AnyAccount>;
export async function findOwnAccount(em: EntityManager, platform: AccountPlatform, userId: string, id: string, field?: string): Promise<AnyAccount> {
  const account = platform === 'discord'
    ? await em.findOne(DiscordAccount, { id, user: userId })
    : await em.findOne(TelegramAccount, { id, user: userId });
  if (account === null) throw new LinkedAccountNotFoundError({ platform, accountId: id, ...(field === undefined ? {} : { field }) });
  return account;
}

/** Sets `active` or `paused` and tells the runtime; setting the status it has is a no-op. */
export async function setAccountStatus(
  ctx: ApiContext,
  platform: AccountPlatform,
  userId: string,
  id: string,
  status: 'active' | 'paused',
): Promise<void> {
  const changed = await ctx.orm.em.fork().transactional(async (em) => {
    const { plan, counts, snapshot } = await ownerStanding(ctx, em, userId);
    const account = await findOwnAccount(em, platform, userId, id);
    if (account.status === status) return false;
    if (account.status !== 'active' && account.status !== 'paused') {
      throw new AccountStateConflictError({ accountId: id, status: account.status, requested: status });
    }
    if (status === 'active') {
      // Resuming starts an actor: judged like linking, counting only the accounts that run.
      assertPlanAllows(plan, {
        ...snapshot,
        sessions: counts.activeSessions,
        telegramAccounts: counts.activeTelegramAccounts,
        discordAccounts: counts.activeDiscordAccounts,
      }, { kind: 'link_account', platform });
    }
    account.status = status;
    await em.flush();
    return true;
  });
  if (changed) {
    await tellRuntime(ctx, [{ kind: runtimeKind(platform), id, userId, action: status === 'active' ? 'resume' : 'pause' }]);
  }
}

/** Deletes the account and the caller's pairs that use it; returns the deleted pairs' ids. */
export async function unlinkAccount(ctx: ApiContext, platform: AccountPlatform, userId: string, id: string): Promise<string[]> {
  const pairIds = await ctx.orm.em.fork().transactional(async (em) => {
    const account = await findOwnAccount(em, platform, userId, id);
    const pairs = await em.find(ForwardingPair, {
      user: userId,
      $or: [
        { sourcePlatform: platform, sourceAccountId: id },
        { destinationPlatform: platform, destinationAccountId: id },
      ],
    }, { fields: ['id'] });
    const ids = pairs.map((p) => p.id);
    if (ids.length > 0) await em.nativeDelete(ForwardingPair, { id: { $in: ids } });
    if (platform === 'discord') await em.nativeDelete(DiscordAccount, { id: account.id });
    else await em.nativeDelete(TelegramAccount, { id: account.id });
    return ids;
  });
  await tellRuntime(ctx, [
    { kind: runtimeKind(platform), id, userId, action: 'delete' },
    ...pairIds.map((pairId): RuntimeChange => ({ kind: 'pair', id: pairId, userId, action: 'delete' })),
  ]);
  return pairIds;
}
