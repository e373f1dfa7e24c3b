import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ValidationError, wrap } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  ApiKey, AuditEvent, AuthToken, BillingCustomer, BillingEvent, TotpRecoveryCode, DiscordAccount, ENTITIES, ErrorLog, ForwardingPair, MessageLink, Payment, RefreshTokenFamily,
  SubscriptionPlan, TelegramAccount, TopicLink, UsagePeriod, User, UserSubscription, type IUser,
} from '../../../src/db/entities/index.ts';
import { seedPlans } from '../../../src/db/seed-plans.ts';
import { openSuiteDatabase } from './fixture.ts';

describe('db entities round trip', function () {
  let orm: MikroORM;
  let em: EntityManager;
  let user: IUser;

  before(async () => {
    orm = await openSuiteDatabase('dbent');
    await seedPlans(orm.em.fork());
  });

  beforeEach(async () => {
    em = orm.em.fork();
    user = em.create(User, { email: `rt-${randomUUID()}@example.com`, passwordHash: 'argon2id$hash' });
    await em.flush();
  });

  after(async () => {
    await orm?.close(true);
  });

  /** Writes through `em`, reads back through a fresh fork, and returns the row as a plain object. */
  async function roundTrip<T extends object>(entity: T): Promise<Record<string, unknown>> {
    await em.flush();
    const id = (entity as { id: string }).id;
    const fresh = orm.em.fork();
    const found = await fresh.findOneOrFail(entity.constructor as never, { id } as never);
    return wrap(found as object).toObject() as Record<string, unknown>;
  }

  it('refuses the global EntityManager (allowGlobalContext is false)', async () => {
    await assert.rejects(orm.em.find(User, {}), ValidationError);
  });

  it('users: defaults, nullable timestamps and the app-generated uuid', async () => {
    const u = em.create(User, { email: 'a-' + randomUUID() + '@x.io', passwordHash: 'h', totpSecretCiphertext: 'sealed' });
    assert.match(u.id, /^[0-9a-f-]{36}$/, 'the id exists before the flush');
    const row = await roundTrip(u);
    assert.equal(row.role, 'free_user');
    assert.equal(row.status, 'active');
    assert.equal(row.roleOverridden, false);
    assert.equal(row.totpEnabled, false);
    assert.equal(row.tokensNotBefore, null);
    const fresh = await orm.em.fork().findOneOrFail(User, { id: u.id });
    assert.equal(fresh.totpSecretCiphertext, 'sealed');
    assert.ok(fresh.createdAt instanceof Date);
    assert.equal(row.passwordHash, undefined, 'hidden from serialisation');
  });

  it('subscription_plans were seeded; user_subscriptions reference them', async () => {
    const plan = await em.findOneOrFail(SubscriptionPlan, { name: 'pro' });
    const started = new Date('2026-01-01T00:00:00Z');
    const sub = em.create(UserSubscription, {
      user, plan, status: 'active', startedAt: started, currentPeriodStart: started,
      currentPeriodEnd: new Date('2026-02-01T00:00:00Z'), externalRef: 'sub_123',
    });
    const row = await roundTrip(sub);
    assert.equal(row.user, user.id);
    assert.equal(row.plan, plan.id);
    assert.equal(row.expiresAt, null);
    assert.equal((row.startedAt as Date).toISOString(), started.toISOString());
    assert.equal(row.externalRef, 'sub_123');
  });

  it('usage_periods: bigint counters come back as numbers', async () => {
    const period = em.create(UsagePeriod, {
      user, periodStart: new Date('2026-01-01T00:00:00Z'), periodEnd: new Date('2026-02-01T00:00:00Z'),
      memoryMbSeconds: 2 ** 40,
    });
    const row = await roundTrip(period);
    assert.equal(row.messagesForwarded, 0);
    assert.equal(row.memoryMbSeconds, 2 ** 40);
    assert.equal(typeof row.apiCalls, 'number');
  });

  it('telegram_accounts: the 64-bit user id survives as a string', async () => {
    const account = em.create(TelegramAccount, {
      user, phone: '+15551234', status: 'active', telegramUserId: '9007199254740993', sessionCiphertext: 'v1:sealed',
    });
    await em.flush();
    const fresh = await orm.em.fork().findOneOrFail(TelegramAccount, { id: account.id });
    assert.equal(fresh.telegramUserId, '9007199254740993');
    assert.equal(fresh.sessionCiphertext, 'v1:sealed');
    assert.equal(fresh.lastError, null);
  });

  it('discord_accounts: servers as jsonb', async () => {
    const servers = [{ id: '1', name: 'One' }, { id: '2', name: 'Two' }];
    const account = em.create(DiscordAccount, {
      user, botUserId: '123', botUsername: 'relay#0001', tokenCiphertext: 'v1:tok', servers, status: 'active',
    });
    await em.flush();
    const fresh = await orm.em.fork().findOneOrFail(DiscordAccount, { id: account.id });
    assert.deepEqual(fresh.servers, servers);
    assert.equal(fresh.tokenCiphertext, 'v1:tok');
  });

  it('forwarding_pairs and message_links: defaults, filters and split messages', async () => {
    const filters = [{ kind: 'keyword' as const, include: ['btc'] }, { kind: 'regex' as const, pattern: '^x' }];
    const pair = em.create(ForwardingPair, {
      user, name: 'news', sourcePlatform: 'telegram', sourceAccountId: randomUUID(), sourceChatId: '-1001',
      destinationPlatform: 'discord', destinationAccountId: randomUUID(), destinationChatId: '555', filters,
    });
    const pairRow = await roundTrip(pair);
    assert.equal(pairRow.delayMs, 0);
    assert.equal(pairRow.status, 'active');
    assert.equal(pairRow.chain, false);
    assert.equal(pairRow.pausedReason, null);
    assert.deepEqual(pairRow.filters, filters);

    const link = em.create(MessageLink, {
      pair, sourceChatId: '-1001', sourceMessageId: '77', destinationChatId: '555',
      destinationMessageIds: ['900', '901', '902'], idempotencyKey: `k-${randomUUID()}`,
    });
    const linkRow = await roundTrip(link);
    assert.deepEqual(linkRow.destinationMessageIds, ['900', '901', '902']);
    assert.equal(linkRow.pair, pair.id);
    assert.equal(pairRow.mapTopics, false);
  });

  it('topic_links: one destination topic per source topic of a pair, gone with the pair', async () => {
    const pair = em.create(ForwardingPair, {
      user, name: 'forum', sourcePlatform: 'telegram', sourceAccountId: randomUUID(), sourceChatId: '-1002',
      destinationPlatform: 'discord', destinationAccountId: randomUUID(), destinationChatId: '556', mapTopics: true,
    });
    const topic = em.create(TopicLink, { pair, sourceTopicId: '5', destinationTopicId: '777', title: 'News' });
    const row = await roundTrip(topic);
    assert.deepEqual([row.pair, row.sourceTopicId, row.destinationTopicId, row.title], [pair.id, '5', '777', 'News']);
    em.create(TopicLink, { pair, sourceTopicId: '5', destinationTopicId: '778', title: 'News again' });
    await assert.rejects(em.flush(), /topic_links_pair_id_source_topic_id_unique/);
    await orm.em.fork().nativeDelete(ForwardingPair, { id: pair.id });
    assert.equal(await orm.em.fork().count(TopicLink, { pair: pair.id }), 0);
  });

  it('payments: raw payload and optional plan', async () => {
    const plan = await em.findOneOrFail(SubscriptionPlan, { name: 'elite' });
    const payment = em.create(Payment, {
      user, provider: 'stripe', externalId: `pi_${randomUUID()}`, amountCents: 2999, currency: 'usd',
      status: 'succeeded', plan, paidAt: new Date(), raw: { id: 'pi_1', nested: { ok: true } },
    });
    const row = await roundTrip(payment);
    assert.equal(row.plan, plan.id);
    assert.deepEqual(row.raw, { id: 'pi_1', nested: { ok: true } });
  });

  it('billing_customers and billing_events: one customer per user and provider, one row per provider event', async () => {
    const customer = em.create(BillingCustomer, { user, provider: 'stripe', customerId: `cus_${randomUUID()}` });
    assert.equal((await roundTrip(customer)).customerId, customer.customerId);
    const event = em.create(BillingEvent, { provider: 'stripe', eventId: `evt_${randomUUID()}`, eventType: 'invoice.paid', user, outcome: 'open' });
    const row = await roundTrip(event);
    assert.deepEqual([row.user, row.outcome], [user.id, 'open']);
    const again = orm.em.fork();
    again.create(BillingEvent, { provider: 'stripe', eventId: event.eventId, eventType: 'invoice.paid', user: null, outcome: 'open' });
    await assert.rejects(again.flush(), /billing_events_provider_event_id_unique/);
  });

  it('api_keys: scopes as a text array', async () => {
    const key = em.create(ApiKey, {
      user, name: 'ci', prefix: `sb_${randomUUID().slice(0, 8)}`, keyHash: 'hmac', scopes: ['pairs:read', 'pairs:write'],
    });
    await em.flush();
    const fresh = await orm.em.fork().findOneOrFail(ApiKey, { id: key.id });
    assert.deepEqual(fresh.scopes, ['pairs:read', 'pairs:write']);
    assert.equal(fresh.keyHash, 'hmac');
    assert.equal(fresh.revokedAt, null);
  });

  it('refresh_token_families: device and address tracking', async () => {
    const family = em.create(RefreshTokenFamily, {
      user, device: 'Firefox on Linux', ip: '203.0.113.9', userAgent: 'Mozilla/5.0', currentTokenHash: `h-${randomUUID()}`,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const row = await roundTrip(family);
    assert.equal(row.device, 'Firefox on Linux');
    assert.equal(row.ip, '203.0.113.9');
    assert.equal(row.revokedAt, null);
  });

  it('audit_events: before/after snapshots, actor kept as a reference', async () => {
    const event = em.create(AuditEvent, {
      actorUser: user, action: 'user.role_changed', targetType: 'user', targetId: user.id, ip: '127.0.0.1',
      before: { role: 'free_user' }, after: { role: 'admin' },
    });
    const row = await roundTrip(event);
    assert.equal(row.actorUser, user.id);
    assert.deepEqual(row.after, { role: 'admin' });
    const system = em.create(AuditEvent, { action: 'plan.expired', targetType: 'user_subscription' });
    assert.equal((await roundTrip(system)).actorUser, null);
  });

  it('error_logs: optional links to the user and accounts', async () => {
    const account = em.create(TelegramAccount, { user, phone: '+15559999', status: 'error' });
    const log = em.create(ErrorLog, {
      user, telegramAccount: account, errorType: 'session_revoked', message: 'AUTH_KEY_UNREGISTERED', context: { dc: 2 },
    });
    const row = await roundTrip(log);
    assert.equal(row.telegramAccount, account.id);
    assert.equal(row.discordAccount, null);
    assert.deepEqual(row.context, { dc: 2 });
  });

  it('auth_tokens and totp_recovery_codes: stored hashes, single-use markers, gone with their user', async () => {
    const token = em.create(AuthToken, { user, purpose: 'password_reset', tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 60_000) });
    const code = em.create(TotpRecoveryCode, { user, codeHash: randomUUID() });
    const tokenRow = await roundTrip(token);
    assert.equal(tokenRow.usedAt, null);
    assert.equal(tokenRow.tokenHash, undefined, 'hidden from serialisation');
    assert.equal((await roundTrip(code)).usedAt, null);
    await orm.em.fork().nativeDelete(User, { id: user.id });
    assert.equal(await orm.em.fork().count(AuthToken, { id: token.id }), 0);
    assert.equal(await orm.em.fork().count(TotpRecoveryCode, { id: code.id }), 0);
  });

  it('covers every entity in the list', () => {
    assert.equal(ENTITIES.length, 19);
  });
});
