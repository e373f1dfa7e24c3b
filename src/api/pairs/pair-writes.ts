/**
 * Creating, changing and deleting pairs. Each write is one transaction with
 * the owner's row locked, checked in the order a client can act on: the
 * request itself (400), the accounts it names (404: only the caller's own),
 * the plan (402), the filters (402 / 400), duplicates (409). Discord ends
 * the write sets are first checked with Discord (discord-channel-check.ts:
 * 400 for a channel of a kind the end cannot be, unknown or hidden from the
 * bot), before the transaction, so no lock is held while Discord answers.
 * Anything refused leaves the database as it was; the runtime is told after
 * the commit.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ForwardingPair, type IForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { assertPlanAllows, type PairShape } from '../../domain/plans/plan-rules.ts';
import { PairExistsError, PairNotFoundError, ValidationFailedError } from '../../errors/registry.ts';
import { validateFilters } from '../../forwarding/filters/validate-filters.ts';
import type { ApiContext, RuntimeChange } from '../api-context.ts';
import { findOwnAccount } from '../accounts/account-lifecycle.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import type { PairCreate, PairPatch } from '../schemas/pair-schemas.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { topicMappingProblem } from '../../forwarding/routing/topic-mapping.ts';
import { TopicLink } from '../../db/entities/topic-link.ts';
import { checkDiscordEnd } from './discord-channel-check.ts';

type End = PairCreate['source'];

function storedEnd(platform: End['platform'], accountId: string, chatId: string, topicId: string | null | undefined): End {
  return topicId === null || topicId === undefined ? { platform, accountId, chatId } : { platform, accountId, chatId, topicId };
}

/** A pair that maps topics needs a whole Telegram forum as its source and a whole chat as its destination. */
function refuseTopicMapping(mapTopics: boolean, source: End, destination: End): void {
  if (!mapTopics) return;
  const problem = topicMappingProblem(source, destination);
  if (problem !== null) throw new ValidationFailedError({ details: [problem] });
}

/** The Discord ends among `ends` checked with Discord by their own bots (accounts not the caller's are refused as in the transaction). */
async function checkDiscordChannels(ctx: ApiContext, userId: string, ends: Array<{ role: 'source' | 'destination'; end: End }>): Promise<void> {
  const em = ctx.orm.em.fork();
  const options = { apiUrl: ctx.config.DISCORD_API_URL, keyring: ctx.keyring, logger: ctx.logger };
  for (const { role, end } of ends) {
    if (end.platform !== 'discord') continue;
    const account = await findOwnAccount(em, 'discord', userId, end.accountId, `${role}.accountId`);
    await checkDiscordEnd(options, { role, account, chatId: end.chatId });
  }
}

function refuseLoop(source: End, destination: End): void {
  if (source.platform === destination.platform && source.chatId === destination.chatId) {
    throw new ValidationFailedError({ details: [{ path: 'destination.chatId', message: 'The destination must be another chat than the source' }] });
  }
}

async function checkEnds(em: EntityManager, userId: string, source: End, destination: End): Promise<void> {
  await findOwnAccount(em, source.platform, userId, source.accountId, 'source.accountId');
  await findOwnAccount(em, destination.platform, userId, destination.accountId, 'destination.accountId');
}

async function refuseDuplicate(em: EntityManager, userId: string, source: End, destination: End, exceptId?: string): Promise<void> {
  const twin = await em.findOne(ForwardingPair, {
    user: userId,
    sourcePlatform: source.platform,
    sourceChatId: source.chatId,
    sourceTopicId: source.topicId ?? null,
    destinationPlatform: destination.platform,
    destinationChatId: destination.chatId,
    destinationTopicId: destination.topicId ?? null,
    ...(exceptId === undefined ? {} : { id: { $ne: exceptId } }),
  }, { fields: ['id'] });
  if (twin !== null) throw new PairExistsError({ pairId: twin.id });
}

function shape(source: End, destination: End, copyMode: boolean, chain: boolean): PairShape {
  // Filters are judged by validateFilters, which also names the offending filter.
  return { sourcePlatform: source.platform, destinationPlatform: destination.platform, copyMode, chain, filters: [] };
}

export async function createPair(ctx: ApiContext, userId: string, input: PairCreate): Promise<IForwardingPair> {
  refuseLoop(input.source, input.destination);
  refuseTopicMapping(input.mapTopics ?? false, input.source, input.destination);
  await checkDiscordChannels(ctx, userId, [{ role: 'source', end: input.source }, { role: 'destination', end: input.destination }]);
  const pair = await ctx.orm.em.fork().transactional(async (em) => {
    const { plan, snapshot } = await ownerStanding(ctx, em, userId);
    await checkEnds(em, userId, input.source, input.destination);
    const copyMode = input.copyMode ?? false;
    const chain = input.chain ?? false;
    assertPlanAllows(plan, snapshot, { kind: 'add_pair', pair: shape(input.source, input.destination, copyMode, chain) });
    const filters = validateFilters(input.filters ?? [], plan.features, plan.name);
    await refuseDuplicate(em, userId, input.source, input.destination);
    const created = em.create(ForwardingPair, {
      user: userId,
      name: input.name ?? `${input.source.platform}:${input.source.chatId} → ${input.destination.platform}:${input.destination.chatId}`,
      sourcePlatform: input.source.platform,
      sourceAccountId: input.source.accountId,
      sourceChatId: input.source.chatId,
      sourceTopicId: input.source.topicId ?? null,
      destinationPlatform: input.destination.platform,
      destinationAccountId: input.destination.accountId,
      destinationChatId: input.destination.chatId,
      destinationTopicId: input.destination.topicId ?? null,
      delayMs: input.delayMs ?? 0,
      silent: input.silent ?? false,
      copyMode,
      chain,
      mapTopics: input.mapTopics ?? false,
      filters,
      status: input.status ?? 'active',
      pausedReason: null,
    });
    await em.flush();
    return created;
  });
  await tellRuntime(ctx, [{ kind: 'pair', id: pair.id, userId, action: 'upsert' }]);
  return pair;
}

export async function findOwnPair(em: EntityManager, userId: string, id: string): Promise<IForwardingPair> {
  const pair = await em.findOne(ForwardingPair, { id, user: userId });
  if (pair === null) throw new PairNotFoundError({ pairId: id });
  return pair;
}

export async function updatePair(ctx: ApiContext, userId: string, id: string, patch: PairPatch): Promise<IForwardingPair> {
  // Only the ends the patch sets: a stored end was checked when it was saved.
  await checkDiscordChannels(ctx, userId, [
    ...(patch.source === undefined ? [] : [{ role: 'source' as const, end: patch.source }]),
    ...(patch.destination === undefined ? [] : [{ role: 'destination' as const, end: patch.destination }]),
  ]);
  const { pair, action } = await ctx.orm.em.fork().transactional(async (em) => {
    const { plan, snapshot } = await ownerStanding(ctx, em, userId);
    const current = await findOwnPair(em, userId, id);
    const source: End = patch.source ?? storedEnd(current.sourcePlatform, current.sourceAccountId, current.sourceChatId, current.sourceTopicId);
    const destination: End = patch.destination
      ?? storedEnd(current.destinationPlatform, current.destinationAccountId, current.destinationChatId, current.destinationTopicId);
    const endsChanged = patch.source !== undefined || patch.destination !== undefined;
    if (endsChanged) {
      refuseLoop(source, destination);
      await checkEnds(em, userId, source, destination);
    }
    refuseTopicMapping(patch.mapTopics ?? current.mapTopics, source, destination);
    // Topics opened for other chats mean nothing in the new ones; the same chats sent back keep theirs.
    const chatsChanged = source.platform !== current.sourcePlatform || source.chatId !== current.sourceChatId
      || destination.platform !== current.destinationPlatform || destination.chatId !== current.destinationChatId;
    if (chatsChanged) await em.nativeDelete(TopicLink, { pair: id });
    // Only what the patch turns on is judged: a pair kept from a bigger plan can still be renamed.
    assertPlanAllows(plan, snapshot, { kind: 'update_pair', pair: shape(source, destination, patch.copyMode === true, patch.chain === true) });
    const filters = patch.filters === undefined ? undefined : validateFilters(patch.filters, plan.features, plan.name);
    const resuming = patch.status === 'active' && current.status === 'paused';
    if (resuming) assertPlanAllows(plan, snapshot, { kind: 'resume_pair' });
    if (endsChanged) await refuseDuplicate(em, userId, source, destination, id);

    const statusChanged = patch.status !== undefined && patch.status !== current.status;
    Object.assign(current, {
      ...(patch.name === undefined ? {} : { name: patch.name }),
      sourcePlatform: source.platform, sourceAccountId: source.accountId, sourceChatId: source.chatId, sourceTopicId: source.topicId ?? null,
      destinationPlatform: destination.platform, destinationAccountId: destination.accountId, destinationChatId: destination.chatId,
      destinationTopicId: destination.topicId ?? null,
      ...(patch.delayMs === undefined ? {} : { delayMs: patch.delayMs }),
      ...(patch.silent === undefined ? {} : { silent: patch.silent }),
      ...(patch.copyMode === undefined ? {} : { copyMode: patch.copyMode }),
      ...(patch.chain === undefined ? {} : { chain: patch.chain }),
      ...(patch.mapTopics === undefined ? {} : { mapTopics: patch.mapTopics }),
      ...(filters === undefined ? {} : { filters }),
      // A status the user chose is theirs: the plan's reason for a pause no longer applies.
      ...(statusChanged ? { status: patch.status, pausedReason: null } : {}),
    });
    await em.flush();
    const change: RuntimeChange['action'] = !statusChanged ? 'upsert' : patch.status === 'active' ? 'resume' : 'pause';
    return { pair: current, action: change };
  });
  await tellRuntime(ctx, [{ kind: 'pair', id, userId, action }]);
  return pair;
}

export async function deletePair(ctx: ApiContext, userId: string, id: string): Promise<void> {
  await ctx.orm.em.fork().transactional(async (em) => {
    const pair = await findOwnPair(em, userId, id);
    await em.nativeDelete(ForwardingPair, { id: pair.id });
  });
  await tellRuntime(ctx, [{ kind: 'pair', id, userId, action: 'delete' }]);
}
