import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CheckConstraintViolationException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  ForwardingPair, MessageLink, SubscriptionPlan, TelegramAccount, User, UserSubscription, type IUser,
} from '../../../src/db/entities/index.ts';
import { seedPlans } from '../../../src/db/seed-plans.ts';
import { openSuiteDatabase } from './fixture.ts';

describe('db constraints', function () {
  let orm: MikroORM;
  let em: EntityManager;

  before(async () => {
    orm = await openSuiteDatabase('dbcons');
    await seedPlans(orm.em.fork());
  });

  beforeEach(() => {
    em = orm.em.fork();
  });

  after(async () => {
    await orm?.close(true);
  });

  async function newUser(): Promise<IUser> {
    const user = em.create(User, { email: `u-${randomUUID()}@example.com`, passwordHash: 'x' });
    await em.flush();
    return user;
  }

  function isUniqueViolation(constraint: string) {
    return (err: unknown) => {
      assert.ok(err instanceof UniqueConstraintViolationException, String(err));
      assert.match(err.message, new RegExp(constraint));
      return true;
    };
  }

  it('allows one current subscription per user, and any number of past ones', async () => {
    const user = await newUser();
    const free = await em.findOneOrFail(SubscriptionPlan, { name: 'free' });
    const pro = await em.findOneOrFail(SubscriptionPlan, { name: 'pro' });
    const now = new Date();
    em.create(UserSubscription, { user, plan: free, status: 'expired', startedAt: now });
    em.create(UserSubscription, { user, plan: free, status: 'cancelled', startedAt: now });
    em.create(UserSubscription, { user, plan: free, status: 'active', startedAt: now });
    await em.flush();

    const second = orm.em.fork();
    second.create(UserSubscription, { user: user.id, plan: pro.id, status: 'trial', startedAt: now });
    await assert.rejects(second.flush(), isUniqueViolation('user_subscriptions_one_current_unique'));

    const third = orm.em.fork();
    third.create(UserSubscription, { user: user.id, plan: pro.id, status: 'active', startedAt: now });
    await assert.rejects(third.flush(), isUniqueViolation('user_subscriptions_one_current_unique'));
  });

  it('refuses a message link with a duplicate idempotency key', async () => {
    const user = await newUser();
    const pair = em.create(ForwardingPair, {
      user, name: 'p', sourcePlatform: 'telegram', sourceAccountId: randomUUID(), sourceChatId: '-100',
      destinationPlatform: 'discord', destinationAccountId: randomUUID(), destinationChatId: '42',
    });
    em.create(MessageLink, {
      pair, sourceChatId: '-100', sourceMessageId: '1', destinationChatId: '42', destinationMessageIds: ['9'], idempotencyKey: 'k-dup',
    });
    await em.flush();

    const again = orm.em.fork();
    again.create(MessageLink, {
      pair: pair.id, sourceChatId: '-100', sourceMessageId: '2', destinationChatId: '42', destinationMessageIds: ['10'], idempotencyKey: 'k-dup',
    });
    await assert.rejects(again.flush(), isUniqueViolation('message_links_idempotency_key_unique'));

    const samePair = orm.em.fork();
    samePair.create(MessageLink, {
      pair: pair.id, sourceChatId: '-100', sourceMessageId: '1', destinationChatId: '42', destinationMessageIds: ['11'], idempotencyKey: 'k-other',
    });
    await assert.rejects(samePair.flush(), isUniqueViolation('message_links_pair_id_source_unique'));
  });

  it('stores e-mail addresses lower-cased, so they are unique regardless of case', async () => {
    const user = em.create(User, { email: 'Mixed.Case@Example.COM', passwordHash: 'x' });
    await em.flush();
    assert.equal(user.email, 'mixed.case@example.com');
    const stored = await orm.em.fork().findOneOrFail(User, { id: user.id });
    assert.equal(stored.email, 'mixed.case@example.com');
    user.email = 'Renamed@Example.com';
    await em.flush();
    assert.equal((await orm.em.fork().findOneOrFail(User, { id: user.id })).email, 'renamed@example.com');

    const dup = orm.em.fork();
    dup.create(User, { email: 'RENAMED@example.com', passwordHash: 'y' });
    await assert.rejects(dup.flush(), isUniqueViolation('users_email_unique'));

    // Raw SQL bypasses the hook; the check constraint still holds the line.
    await assert.rejects(
      orm.em.fork().execute(`insert into ${orm.config.get('schema')}.users (email, password_hash) values ('Raw@Example.com', 'x')`),
      (err) => err instanceof CheckConstraintViolationException,
    );
  });

  it('refuses a second telegram account with the same phone for one user', async () => {
    const user = await newUser();
    em.create(TelegramAccount, { user, phone: '+15550001', status: 'pending_code' });
    await em.flush();
    const dup = orm.em.fork();
    dup.create(TelegramAccount, { user: user.id, phone: '+15550001', status: 'pending_code' });
    await assert.rejects(dup.flush(), isUniqueViolation('telegram_accounts_user_id_phone_unique'));
  });

  it('removes a user\'s child rows when the user row is deleted', async () => {
    const user = await newUser();
    const pair = em.create(ForwardingPair, {
      user, name: 'p', sourcePlatform: 'telegram', sourceAccountId: randomUUID(), sourceChatId: '1',
      destinationPlatform: 'telegram', destinationAccountId: randomUUID(), destinationChatId: '2',
    });
    em.create(MessageLink, {
      pair, sourceChatId: '1', sourceMessageId: '1', destinationChatId: '2', destinationMessageIds: ['1'], idempotencyKey: randomUUID(),
    });
    await em.flush();
    await orm.em.fork().nativeDelete(User, { id: user.id });
    const check = orm.em.fork();
    assert.equal(await check.count(ForwardingPair, { user: user.id }), 0);
    assert.equal(await check.count(MessageLink, { pair: pair.id }), 0);
  });
});
