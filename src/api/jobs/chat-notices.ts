/**
 * The API's half of the bots' pushed notices: it finds what users should be
 * told and appends it to the outbox (commands/notices/notice-outbox.ts),
 * which the bot process delivers to their linked chats. Only users with a
 * linked chat are looked at: nobody else could receive a notice. Each run
 * is safe to repeat: every notice has a once-only key.
 */
import { ChatLink } from '../../db/entities/chat-link.ts';
import { ForwardingPair } from '../../db/entities/forwarding-pair.ts';
import { User } from '../../db/entities/user.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription } from '../../db/entities/user-subscription.ts';
import { planExpiringNotice, pairsPausedNotice, usageNotices } from '../../commands/notices/chat-notice.ts';
import { NoticeOutbox } from '../../commands/notices/notice-outbox.ts';
import { PLANS } from '../../../config/plans.ts';
import type { ApiContext } from '../api-context.ts';
import { planOf } from '../auth/user-plan.ts';
import type { PlanSwitch } from '../subscriptions/switch-plan.ts';
import { usageReport } from '../usage/usage-report.ts';
import { loadUserUsage } from '../usage/user-usage.ts';

/** How long before a plan ends its owner is told. */
export const PLAN_EXPIRY_NOTICE_MS = 3 * 86_400_000;

/** Linked users looked at per run for usage notices; the next run goes on from there. */
const USAGE_BATCH = 200;
/** Redis key (relative to REDIS_KEY_PREFIX) of the last user the usage scan looked at. */
const USAGE_CURSOR_KEY = 'notices:usage-cursor';

async function linkedUserIds(ctx: ApiContext, after: string, limit: number): Promise<string[]> {
  const qb = ctx.orm.em.fork().createQueryBuilder(ChatLink, 'c').select('c.user', true)
    .where(after === '' ? {} : { user: { $gt: after } }).orderBy({ user: 'asc' }).limit(limit);
  const rows = await qb.execute<Array<{ user_id: string }>>('all', false);
  return rows.map((r) => r.user_id);
}

/** Tells linked users whose plan ends within three days; once per subscription and end date. */
export async function noticeExpiringPlans(ctx: ApiContext, now: Date): Promise<number> {
  const em = ctx.orm.em.fork();
  const soon = await em.find(UserSubscription, {
    status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] },
    expiresAt: { $gt: now, $lte: new Date(now.getTime() + PLAN_EXPIRY_NOTICE_MS) },
  }, { populate: ['plan'] });
  if (soon.length === 0) return 0;
  const links = await em.find(ChatLink, { user: { $in: soon.map((s) => s.user.id) } }, { fields: ['user'] });
  const linked = new Set(links.map((l) => l.user.id));
  const outbox = new NoticeOutbox(ctx.redis);
  let published = 0;
  for (const s of soon.filter((row) => linked.has(row.user.id))) {
    const plan = s.plan.getEntity().name;
    if (plan === 'free' || s.expiresAt === null || s.expiresAt === undefined) continue;
    if (await outbox.publish(planExpiringNotice(s.user.id, s.id, PLANS[plan].displayName, s.expiresAt))) published += 1;
  }
  return published;
}

/** Tells linked users of each figure at 80 % and 100 % of its limit; once per period, figure and level. */
export async function noticeUsage(ctx: ApiContext, now: Date): Promise<number> {
  const ids = await linkedUserIds(ctx, (await ctx.redis.get(USAGE_CURSOR_KEY)) ?? '', USAGE_BATCH);
  await ctx.redis.set(USAGE_CURSOR_KEY, ids.length < USAGE_BATCH ? '' : ids.at(-1)!);
  const outbox = new NoticeOutbox(ctx.redis);
  let published = 0;
  for (const id of ids) {
    const em = ctx.orm.em.fork();
    const user = await em.findOne(User, { id, status: 'active' });
    if (user === null) continue;
    const report = usageReport(await planOf(em, id, now), await loadUserUsage(ctx, em, user));
    for (const notice of usageNotices(id, report)) if (await outbox.publish(notice)) published += 1;
  }
  return published;
}

/** Tells the user which pairs a plan change paused (an admin's change, a lapse to Free); never throws. */
export async function noticePausedPairs(ctx: ApiContext, change: PlanSwitch, at: Date): Promise<void> {
  if (change.paused.pausePairs.length === 0) return;
  try {
    const pairs = await ctx.orm.em.fork().find(ForwardingPair, { id: { $in: change.paused.pausePairs } }, { fields: ['name'], orderBy: { name: 'asc' } });
    const changeId = `${change.userId}:${change.toPlan}:${at.getTime()}`;
    await new NoticeOutbox(ctx.redis).publish(pairsPausedNotice(change.userId, PLANS[change.toPlan].displayName, pairs.map((p) => p.name), changeId));
  } catch (err) {
    ctx.logger.warn({ err, userId: change.userId }, 'paused-pairs notice not published');
  }
}
