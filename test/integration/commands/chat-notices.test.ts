/**
 * Pushed notices against the real API context, PostgreSQL and Redis: the
 * jobs find a plan ending in three days and a figure at 80 % and 100 % of
 * its limit, a plan change names the pairs it paused, a revoked account is
 * announced; every notice goes into the outbox once (a second run adds
 * nothing), and the delivery sends it to each linked chat of the user,
 * acknowledges it, and after a restart delivers what it was given and never
 * acknowledged. A chat that refuses is counted, not retried.
 */
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { changeUserPlan } from '../../../src/api/admin/user-actions.ts';
import { noticeExpiringPlans, noticeUsage } from '../../../src/api/jobs/chat-notices.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import type { ChatLinks } from '../../../src/commands/chat-links.ts';
import { NoticeDelivery } from '../../../src/commands/notices/notice-delivery.ts';
import { NOTICE_STREAM, NoticeOutbox, type OutboxEntry } from '../../../src/commands/notices/notice-outbox.ts';
import { ForwardingPair, UserSubscription } from '../../../src/db/entities/index.ts';
import type { RichText } from '../../../src/forwarding/message/neutral-message.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

describe('pushed notices: outbox and delivery (real API context, PostgreSQL and Redis)', function () {
  this.timeout(30_000);
  let h: ApiHarness;
  let redis: Redis;
  let links: ChatLinks;
  let chatUserId = 900_000;
  const quiet = pino({ level: 'silent' });

  async function link(user: RegisteredUser, platform: 'telegram' | 'discord'): Promise<string> {
    const { code } = await links.issueCode(user.userId);
    const id = String(chatUserId += 1);
    await links.redeem({ platform, chatUserId: id, displayName: 'x' }, code);
    return id;
  }

  /** Everything in the stream for `userId`, oldest first (the jobs see every linked user of the shared schema). */
  async function queued(userId: string): Promise<OutboxEntry[]> {
    const rows = await redis.xrange(NOTICE_STREAM, '-', '+');
    return rows.map(([id, fields]) => ({ id, ...JSON.parse(fields[1]!) as Omit<OutboxEntry, 'id'> })).filter((e) => e.userId === userId);
  }

  async function pair(userId: string, name: string): Promise<void> {
    const em = h.ctx.orm.em.fork();
    em.create(ForwardingPair, {
      user: userId, name, sourcePlatform: 'discord', sourceAccountId: '00000000-0000-4000-8000-000000000001', sourceChatId: `1${chatUserId += 1}`,
      destinationPlatform: 'discord', destinationAccountId: '00000000-0000-4000-8000-000000000001', destinationChatId: `2${chatUserId}`,
    });
    await em.flush();
  }

  /** The usage scan takes linked users in batches: run it until it has gone round once. */
  async function scanUsage(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await noticeUsage(h.ctx, new Date());
      if ((await redis.get('notices:usage-cursor')) === '') return;
    }
  }

  before(async () => {
    h = await startApiHarness();
    redis = h.ctx.redis;
    links = chatLinksOf(h.ctx);
  });
  after(async () => {
    await h?.close();
  });

  it('tells a linked user once that their plan ends within three days; not an unlinked one, not a plan ending later', async () => {
    const soon = await h.registerUser({ plan: 'pro' });
    const later = await h.registerUser({ plan: 'pro' });
    const unlinked = await h.registerUser({ plan: 'pro' });
    await link(soon, 'telegram');
    await link(later, 'discord');
    const em = h.ctx.orm.em.fork();
    const at = (days: number): Date => new Date(Date.now() + days * 86_400_000);
    await em.nativeUpdate(UserSubscription, { user: soon.userId, status: 'active' }, { expiresAt: at(2) });
    await em.nativeUpdate(UserSubscription, { user: later.userId, status: 'active' }, { expiresAt: at(5) });
    await em.nativeUpdate(UserSubscription, { user: unlinked.userId, status: 'active' }, { expiresAt: at(1) });
    await noticeExpiringPlans(h.ctx, new Date());
    await noticeExpiringPlans(h.ctx, new Date());
    const notices = await queued(soon.userId);
    assert.deepEqual(notices.map((n) => n.kind), ['plan_expiring']);
    assert.match(notices[0]!.text.text, new RegExp(`^Your Pro plan ends on ${at(2).toISOString().slice(0, 10)}; then your account moves to Free`));
    assert.deepEqual([(await queued(later.userId)).length, (await queued(unlinked.userId)).length], [0, 0]);
  });

  it('warns at 80 % of a limit and again at 100 %, once each', async () => {
    const user = await h.registerUser();
    await link(user, 'discord');
    for (let i = 0; i < 4; i++) await pair(user.userId, `p${i}`);
    await scanUsage();
    await scanUsage();
    assert.deepEqual((await queued(user.userId)).map((n) => n.text.text), [
      'Nearing a limit: 4 of 5 forwarding pairs (80 %). /usage shows the rest, /upgrade the plans.',
    ]);
    await pair(user.userId, 'p4');
    await scanUsage();
    const texts = (await queued(user.userId)).map((n) => `${n.kind}: ${n.text.text}`);
    assert.deepEqual(texts.slice(1), ['usage_reached: Limit reached: 5 of 5 forwarding pairs. What goes past it is refused until the period ends or you upgrade: /upgrade.']);
  });

  it('names the pairs a plan change paused', async () => {
    const admin = await h.registerUser({ role: 'admin' });
    const user = await h.registerUser({ plan: 'pro' });
    await link(user, 'telegram');
    for (let i = 0; i < 7; i++) await pair(user.userId, `news-${i}`);
    await changeUserPlan(h.ctx, { userId: admin.userId, ip: null }, user.userId, 'free', null);
    const notices = await queued(user.userId);
    assert.deepEqual(notices.map((n) => n.kind), ['pairs_paused']);
    assert.equal(notices[0]!.text.text, '2 pairs paused: your plan is now Free, which allows fewer. Paused: news-5, news-6. /upgrade to run them again.');
  });

  it('delivers each notice to every linked chat on the platforms served, acknowledges it, and counts a refusal', async () => {
    const user = await h.registerUser();
    const tgId = await link(user, 'telegram');
    const dcId = await link(user, 'discord');
    const outbox = new NoticeOutbox(redis);
    const text: RichText = { text: 'hello', entities: [] };
    assert.equal(await outbox.publish({ kind: 'plan_expiring', userId: user.userId, dedupeKey: `t:${user.userId}:1`, dedupeTtlSeconds: 60, text }), true);
    assert.equal(await outbox.publish({ kind: 'plan_expiring', userId: user.userId, dedupeKey: `t:${user.userId}:1`, dedupeTtlSeconds: 60, text }), false);
    const sent: string[] = [];
    const reader = redis.duplicate();
    const delivery = new NoticeDelivery({
      outbox: new NoticeOutbox(reader), links, logger: quiet, consumer: 'test-a', blockMs: 100,
      senders: {
        telegram: async (chat, t) => { sent.push(`tg ${chat} ${t.text}`); },
        discord: async () => { throw Object.assign(new Error('Cannot send messages to this user'), { code: 50007 }); },
      },
    });
    await delivery.start();
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !sent.includes(`tg ${tgId} hello`)) await new Promise((r) => setTimeout(r, 50));
    await delivery.stop();
    await reader.quit();
    assert.ok(sent.includes(`tg ${tgId} hello`), JSON.stringify(sent));
    assert.ok(!sent.some((s) => s.includes(dcId)));
    assert.ok(delivery.counts.refused >= 1);
    const pending = await redis.xpending(NOTICE_STREAM, 'bots') as [number, ...unknown[]];
    assert.equal(pending[0], 0, 'every notice read was acknowledged');
  });

  it('a delivery that died before acknowledging sends the notice again on restart', async () => {
    const user = await h.registerUser();
    const tgId = await link(user, 'telegram');
    const outbox = new NoticeOutbox(redis);
    await outbox.ensureGroup();
    await outbox.publish({ kind: 'account_revoked', userId: user.userId, dedupeKey: `t:${user.userId}:2`, dedupeTtlSeconds: 60, text: { text: 'again', entities: [] } });
    // A consumer that read and then died: the entries stay pending under its name.
    const taken = await outbox.read('test-b', { pending: false, count: 1_000, blockMs: 100 });
    assert.ok(taken.some((e) => e.userId === user.userId));
    const sent: string[] = [];
    const reader = redis.duplicate();
    const delivery = new NoticeDelivery({
      outbox: new NoticeOutbox(reader), links, logger: quiet, consumer: 'test-b', blockMs: 100,
      senders: { telegram: async (chat, t) => { sent.push(`${chat} ${t.text}`); } },
    });
    await delivery.start();
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !sent.includes(`${tgId} again`)) await new Promise((r) => setTimeout(r, 50));
    await delivery.stop();
    await reader.quit();
    assert.ok(sent.includes(`${tgId} again`));
  });
});
