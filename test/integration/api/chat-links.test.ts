/**
 * Chat links against the real API, PostgreSQL and Redis: codes from
 * `POST /v1/me/chat-links`, redeemed as the control bot will (`/link CODE`),
 * listed and removed; spent, replaced, expired, raced and guessed codes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ChatLinks } from '../../../src/commands/chat-links.ts';
import { AuditEvent, ChatLink } from '../../../src/db/entities/index.ts';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

describe('api: chat links for the control bot', function () {
  this.timeout(30_000);
  let h: ApiHarness;
  let ann: RegisteredUser;

  before(async () => {
    h = await startApiHarness();
    ann = await h.registerUser();
  });
  after(async () => {
    await h?.close();
  });

  const identity = (platform: 'telegram' | 'discord' = 'telegram') => ({ platform, chatUserId: String(100_000 + Math.floor(Math.random() * 1e9)), displayName: 'Ann' });
  const newCode = async (user: RegisteredUser): Promise<string> => {
    const res = await h.request('post', '/v1/me/chat-links', { token: user.accessToken });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.code as string;
  };
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'ok';
  };

  it('hands out a code that links one chat identity once, listed with the user and audited', async () => {
    const res = await h.request('post', '/v1/me/chat-links', { token: ann.accessToken });
    assert.equal(res.status, 201);
    assert.match(res.body.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.ok(Date.parse(res.body.expiresAt) - Date.now() > 9 * 60_000);
    const who = identity();
    const link = await chatLinksOf(h.ctx).redeem(who, (res.body.code as string).toLowerCase().replace('-', ' '));
    assert.equal(link.user.id, ann.userId);
    assert.equal(await chatLinksOf(h.ctx).userOf('telegram', who.chatUserId), ann.userId);
    assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(identity(), res.body.code)), 'chat_link_code_invalid', 'a code works once');
    const list = await h.request('get', '/v1/me/chat-links', { token: ann.accessToken });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.chatLinks.map((l: { chatUserId: string; platform: string; displayName: string }) => [l.platform, l.chatUserId, l.displayName]),
      [['telegram', who.chatUserId, 'Ann']]);
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'chat_link.created', targetId: link.id }), 1);
  });

  it('a new code replaces the last; an expired code links nothing', async () => {
    const bea = await h.registerUser();
    const first = await newCode(bea);
    const second = await newCode(bea);
    assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(identity(), first)), 'chat_link_code_invalid');
    assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(identity(), second)), 'ok');
    const shortLived = new ChatLinks(h.ctx.orm, h.ctx.redis, { codeTtlMs: 50 });
    const { code } = await shortLived.issueCode(bea.userId);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(await codeOf(shortLived.redeem(identity(), code)), 'chat_link_code_invalid');
  });

  it('of two chats racing with one code, exactly one is linked', async () => {
    const cai = await h.registerUser();
    const code = await newCode(cai);
    const outcomes = await Promise.all([identity(), identity('discord')].map((who) => codeOf(chatLinksOf(h.ctx).redeem(who, code))));
    assert.deepEqual(outcomes.sort(), ['chat_link_code_invalid', 'ok']);
    assert.equal(await h.ctx.orm.em.fork().count(ChatLink, { user: cai.userId }), 1);
  });

  it('refuses an identity linked to someone else, and takes the same user linking it again', async () => {
    const dan = await h.registerUser();
    const eve = await h.registerUser();
    const who = identity('discord');
    await chatLinksOf(h.ctx).redeem(who, await newCode(dan));
    assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(who, await newCode(eve))), 'chat_already_linked');
    assert.equal(await chatLinksOf(h.ctx).userOf('discord', who.chatUserId), dan.userId, 'the first link stands');
    assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(who, await newCode(dan))), 'ok');
    assert.equal(await h.ctx.orm.em.fork().count(ChatLink, { user: dan.userId }), 1);
  });

  it('after five wrong codes an identity is refused for a while, even with a right one', async () => {
    const fay = await h.registerUser();
    const who = identity();
    for (let i = 0; i < 5; i += 1) assert.equal(await codeOf(chatLinksOf(h.ctx).redeem(who, 'ZZZZ-ZZZZ')), 'chat_link_code_invalid');
    const code = await newCode(fay);
    let refusal: { code: string; details: { retryAfterSeconds: number } } | null = null;
    await chatLinksOf(h.ctx).redeem(who, code).catch((error: unknown) => { refusal = error as never; });
    assert.equal(refusal!.code, 'rate_limited');
    assert.ok(refusal!.details.retryAfterSeconds > 800);
    assert.equal(await chatLinksOf(h.ctx).redeem(identity(), code).then((l) => l.user.id), fay.userId, 'the code itself is still good');
  });

  it('removes links: another user\'s id is 404 and changes nothing; /unlink from the chat too', async () => {
    const gus = await h.registerUser();
    const who = identity();
    const link = await chatLinksOf(h.ctx).redeem(who, await newCode(gus));
    const other = await h.request('delete', `/v1/me/chat-links/${link.id}`, { token: ann.accessToken });
    assert.deepEqual([other.status, other.body.error.code], [404, 'chat_link_not_found']);
    assert.equal((await h.request('delete', `/v1/me/chat-links/${randomUUID()}`, { token: gus.accessToken })).status, 404);
    const bad = await h.request('delete', '/v1/me/chat-links/not-an-id', { token: gus.accessToken });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'validation_failed']);
    assert.equal((await h.request('delete', `/v1/me/chat-links/${link.id}`, { token: gus.accessToken })).status, 204);
    assert.equal(await chatLinksOf(h.ctx).userOf('telegram', who.chatUserId), null);
    const again = identity('discord');
    await chatLinksOf(h.ctx).redeem(again, await newCode(gus));
    assert.equal(await chatLinksOf(h.ctx).unlink('discord', again.chatUserId), true);
    assert.equal(await chatLinksOf(h.ctx).unlink('discord', again.chatUserId), false);
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'chat_link.removed', actorUser: gus.userId }), 2);
  });

  it('makes codes only for signed-in sessions, not API keys, nor anonymous callers', async () => {
    const elite = await h.registerUser({ plan: 'elite' });
    const key = await h.request('post', '/v1/api-keys', { token: elite.accessToken, body: { name: 'ci', scopes: ['read', 'write'] } });
    const viaKey = await h.request('post', '/v1/me/chat-links', { apiKey: key.body.key });
    assert.deepEqual([viaKey.status, viaKey.body.error.code], [403, 'session_required']);
    assert.equal((await h.request('get', '/v1/me/chat-links', { apiKey: key.body.key })).status, 200, 'a key may read them');
    assert.equal((await h.request('post', '/v1/me/chat-links')).status, 401);
  });

  it('checks its options up front, with a message each', () => {
    const cases: Array<[object, string]> = [
      [{ codeTtlMs: 0 }, 'options.codeTtlMs must be a positive integer'],
      [{ maxFailures: 1.5 }, 'options.maxFailures must be a positive integer'],
      [{ failureWindowSeconds: '900' }, 'options.failureWindowSeconds must be a positive integer'],
    ];
    for (const [options, message] of cases) assert.throws(() => new ChatLinks(h.ctx.orm, h.ctx.redis, options as never), { message });
    assert.throws(() => new ChatLinks(h.ctx.orm, h.ctx.redis, 5 as never), { message: 'options must be an object' });
  });
});
