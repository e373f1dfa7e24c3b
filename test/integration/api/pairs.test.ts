import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ForwardingPair, TelegramAccount, TopicLink } from '../../../src/db/entities/index.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { channelId, countsOf, linkBot, pairBody, startResourceWorld, type LinkedBot, type ResourceWorld } from './resource-fixtures.ts';

describe('api: pairs', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let alice: RegisteredUser;
  let aliceBot: LinkedBot;
  let bob: RegisteredUser;
  let bobBot: LinkedBot;

  before(async () => {
    world = await startResourceWorld();
    [alice, bob] = await Promise.all([world.h.registerUser(), world.h.registerUser()]);
    [aliceBot, bobBot] = await Promise.all([linkBot(world, alice), linkBot(world, bob)]);
  });
  after(async () => {
    await world?.close();
  });

  const req = (user: RegisteredUser, method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: user.accessToken, ...(body === undefined ? {} : { body }) });

  async function clearPairs(user: RegisteredUser): Promise<void> {
    await world.h.ctx.orm.em.fork().nativeDelete(ForwardingPair, { user: user.userId });
  }

  it('creates, lists, reads, changes and deletes a pair, telling the runtime each time', async () => {
    await clearPairs(alice);
    const created = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, {
      name: 'news', delayMs: 1500, silent: true, filters: [{ kind: 'keyword', mode: 'include', words: ['deploy'] }],
    }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pair = created.body;
    assert.equal(pair.name, 'news');
    assert.deepEqual(pair.source, { platform: 'discord', accountId: aliceBot.accountId, chatId: aliceBot.channels[0], topicId: null });
    assert.equal(pair.delayMs, 1500);
    assert.equal(pair.silent, true);
    assert.equal(pair.status, 'active');
    assert.deepEqual(pair.filters, [{ kind: 'keyword', mode: 'include', words: ['deploy'] }]);

    const list = await req(alice, 'get', '/v1/pairs');
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.deepEqual(list.body.items.map((p: { id: string }) => p.id), [pair.id]);
    assert.equal((await req(alice, 'get', `/v1/pairs/${pair.id}`)).body.name, 'news');

    const paused = await req(alice, 'patch', `/v1/pairs/${pair.id}`, { status: 'paused', name: 'news (quiet)' });
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(paused.body.status, 'paused');
    assert.equal(paused.body.name, 'news (quiet)');
    assert.equal((await req(alice, 'get', '/v1/pairs?status=paused')).body.total, 1);
    assert.equal((await req(alice, 'patch', `/v1/pairs/${pair.id}`, { status: 'active' })).body.status, 'active');

    assert.equal((await req(alice, 'delete', `/v1/pairs/${pair.id}`)).status, 204);
    assert.equal((await req(alice, 'get', `/v1/pairs/${pair.id}`)).status, 404);
    const mine = world.changes.filter((c) => c.id === pair.id).map((c) => c.action);
    assert.deepEqual(mine, ['upsert', 'pause', 'resume', 'delete']);
    assert.ok(world.changes.filter((c) => c.id === pair.id).every((c) => c.kind === 'pair' && c.userId === alice.userId));
  });

  it('refuses a sixth pair on Free with quota_exceeded (current, limit, plan) and stores nothing', async () => {
    await clearPairs(alice);
    for (let i = 0; i < 5; i += 1) {
      const res = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, { name: `p${i}`, source: { platform: 'discord', accountId: aliceBot.accountId, chatId: channelId(world, aliceBot) } }));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const sixth = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 2, 1));
    assert.equal(sixth.status, 402);
    assert.deepEqual(
      { code: sixth.body.error.code, resource: sixth.body.error.resource, current: sixth.body.error.current, limit: sixth.body.error.limit, plan: sixth.body.error.plan },
      { code: 'quota_exceeded', resource: 'pairs', current: 5, limit: 5, plan: 'free' },
    );
    assert.equal((await countsOf(world, alice.userId)).pairs, 5);
    await clearPairs(alice);
  });

  for (const [what, extra, feature] of [
    ['copy mode', { copyMode: true }, 'copy_mode'],
    ['chain forwarding', { chain: true }, 'chain_forwarding'],
    ['a regex filter', { filters: [{ kind: 'regex', mode: 'include', pattern: 'a+b' }] }, 'advanced_filters'],
  ] as const) {
    it(`refuses ${what} on Free with feature_not_in_plan and stores nothing`, async () => {
      await clearPairs(alice);
      const res = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, extra));
      assert.equal(res.status, 402);
      assert.equal(res.body.error.code, 'feature_not_in_plan');
      assert.equal(res.body.error.feature, feature);
      assert.equal(res.body.error.plan, 'free');
      assert.equal((await countsOf(world, alice.userId)).pairs, 0);
    });
  }

  it('answers 400 with the field path for each bad field, and stores nothing', async () => {
    await clearPairs(alice);
    const good = pairBody(aliceBot);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, name: '' }, 'name'],
      [{ ...good, name: 'x'.repeat(101) }, 'name'],
      [{ ...good, source: { ...(good.source as object), platform: 'slack' } }, 'source.platform'],
      [{ ...good, source: { ...(good.source as object), accountId: 'not-a-uuid' } }, 'source.accountId'],
      [{ ...good, source: { ...(good.source as object), chatId: 'general' } }, 'source.chatId'],
      [{ ...good, destination: { ...(good.destination as object), chatId: '12' } }, 'destination.chatId'],
      [{ ...good, destination: undefined }, 'destination'],
      [{ ...good, delayMs: -1 }, 'delayMs'],
      [{ ...good, delayMs: 86_400_001 }, 'delayMs'],
      [{ ...good, delayMs: 1.5 }, 'delayMs'],
      [{ ...good, silent: 'yes' }, 'silent'],
      [{ ...good, copyMode: 1 }, 'copyMode'],
      [{ ...good, chain: null }, 'chain'],
      [{ ...good, status: 'deleted' }, 'status'],
      [{ ...good, filters: 'keyword' }, 'filters'],
      [{ ...good, filters: [{ kind: 'nope' }] }, 'filters.0.kind'],
      [{ ...good, colour: 'red' }, ''],
      [pairBody(aliceBot, 0, 0), 'destination.chatId'],
      [{ ...good, source: { ...(good.source as object), topicId: '5' } }, 'source.topicId'],
      ...['0', '07', '-3', 'x', '2147483648', '1'.repeat(11)].map((topicId): [Record<string, unknown>, string] => [
        { ...good, destination: { platform: 'telegram', accountId: randomUUID(), chatId: '-1001', topicId } }, 'destination.topicId']),
      [{ ...good, mapTopics: 'yes' }, 'mapTopics'],
    ];
    for (const [body, path] of cases) {
      const res = await req(alice, 'post', '/v1/pairs', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(res.body.error.details.some((d: { path: string }) => d.path === path), `${path} in ${JSON.stringify(res.body.error.details)}`);
    }
    const badFilter = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, { filters: [{ kind: 'keyword', mode: 'include', words: [] }] }));
    assert.equal(badFilter.status, 400);
    assert.deepEqual([badFilter.body.error.code, badFilter.body.error.index, badFilter.body.error.field], ['filter_invalid', 0, 'words']);
    assert.equal((await countsOf(world, alice.userId)).pairs, 0);
  });

  it('refuses topic mapping between ends that cannot map topics, with a message per rule, and stores nothing', async () => {
    // A user of its own: Free's API rate limit counts every request of a user.
    const carol = await world.h.registerUser();
    const carolBot = await linkBot(world, carol);
    const forum = { platform: 'telegram', accountId: randomUUID(), chatId: '-1001234' };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [pairBody(carolBot, 0, 1, { mapTopics: true }), 'source.platform', 'Topics are mapped from a Telegram forum: the source must be a Telegram chat'],
      [{ ...pairBody(carolBot), source: { ...forum, topicId: '5' }, mapTopics: true }, 'source.topicId', 'A pair that maps topics reads the whole forum: leave source.topicId out'],
      [{ ...pairBody(carolBot), source: forum, destination: { ...forum, chatId: '-1005678', topicId: '9' }, mapTopics: true }, 'destination.topicId',
        'A pair that maps topics opens topics in the destination chat itself: leave destination.topicId out'],
    ];
    for (const [body, path, message] of cases) {
      const res = await req(carol, 'post', '/v1/pairs', body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual([res.body.error.code, res.body.error.details], ['validation_failed', [{ path, message }]]);
    }
    const plain = await req(carol, 'post', '/v1/pairs', pairBody(carolBot, 0, 1));
    assert.equal(plain.body.mapTopics, false);
    const turnedOn = await req(carol, 'patch', `/v1/pairs/${plain.body.id}`, { mapTopics: true });
    assert.equal(turnedOn.status, 400);
    assert.equal(turnedOn.body.error.details[0].path, 'source.platform');
    assert.equal((await req(carol, 'get', `/v1/pairs/${plain.body.id}`)).body.mapTopics, false);
  });

  it('saves a pair mapping a Telegram forum\'s topics, keeps its opened topics while its chats stay, forgets them when a chat changes', async () => {
    const dana = await world.h.registerUser({ plan: 'pro' });
    const danaBot = await linkBot(world, dana);
    const em = world.h.ctx.orm.em.fork();
    const account = em.create(TelegramAccount, { user: dana.userId, phone: '+15550007001', status: 'active' });
    await em.flush();
    const forum = { platform: 'telegram', accountId: account.id, chatId: '-1007001' };
    const created = await req(dana, 'post', '/v1/pairs', { source: forum, destination: pairBody(danaBot).destination, mapTopics: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.mapTopics, true);
    const pairId = created.body.id as string;
    em.create(TopicLink, { pair: pairId, sourceTopicId: '5', destinationTopicId: '900000000000000001', title: 'News' });
    await em.flush();
    const links = () => world.h.ctx.orm.em.fork().count(TopicLink, { pair: pairId });
    const same = await req(dana, 'patch', `/v1/pairs/${pairId}`, { name: 'forum', source: forum, destination: pairBody(danaBot).destination });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(await links(), 1, 'the same chats sent back keep the opened topics');
    const moved = await req(dana, 'patch', `/v1/pairs/${pairId}`, { destination: pairBody(danaBot, 0, 2).destination });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(await links(), 0, 'topics opened in the former destination are forgotten');
  });

  it('reports a bad regex with its position (on a plan with advanced filters)', async () => {
    const pro = await world.h.registerUser({ plan: 'pro' });
    const bot = await linkBot(world, pro);
    const res = await req(pro, 'post', '/v1/pairs', pairBody(bot, 0, 1, { filters: [{ kind: 'keyword', mode: 'exclude', words: ['x'] }, { kind: 'regex', mode: 'include', pattern: 'ab(c' }] }));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'filter_regex_invalid');
    assert.equal(res.body.error.index, 1);
    assert.equal(typeof res.body.error.position, 'number');
    assert.equal((await countsOf(world, pro.userId)).pairs, 0);
    const ok = await req(pro, 'post', '/v1/pairs', pairBody(bot, 0, 1, { copyMode: true, chain: true, filters: [{ kind: 'regex', mode: 'include', pattern: 'ab+c' }] }));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('refuses a duplicate pair and a patch that breaks a field, changing nothing', async () => {
    await clearPairs(alice);
    const first = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1));
    const twin = await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, { name: 'again' }));
    assert.equal(twin.status, 409);
    assert.deepEqual([twin.body.error.code, twin.body.error.pairId], ['pair_exists', first.body.id]);
    const bad = await req(alice, 'patch', `/v1/pairs/${first.body.id}`, { delayMs: 90_000_000, name: 'changed' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'delayMs');
    const copy = await req(alice, 'patch', `/v1/pairs/${first.body.id}`, { copyMode: true, name: 'changed' });
    assert.equal(copy.status, 402);
    const loop = await req(alice, 'patch', `/v1/pairs/${first.body.id}`, { destination: first.body.source });
    assert.equal(loop.status, 400);
    const after = await req(alice, 'get', `/v1/pairs/${first.body.id}`);
    assert.deepEqual(after.body, first.body, 'refused patches changed nothing');
    assert.equal((await countsOf(world, alice.userId)).pairs, 1);
  });

  it('never lets another user read, change, delete or preview a pair, nor use their accounts', async () => {
    await clearPairs(alice);
    const pair = (await req(alice, 'post', '/v1/pairs', pairBody(aliceBot))).body;
    for (const [method, path, body] of [
      ['get', `/v1/pairs/${pair.id}`, undefined],
      ['patch', `/v1/pairs/${pair.id}`, { name: 'mine now' }],
      ['delete', `/v1/pairs/${pair.id}`, undefined],
      ['post', `/v1/pairs/${pair.id}/preview`, { text: 'hi' }],
    ] as const) {
      const res = await req(bob, method, path, body);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.body.error.code, 'pair_not_found');
    }
    assert.equal((await req(bob, 'get', '/v1/pairs')).body.total, 0);
    const stolen = await req(bob, 'post', '/v1/pairs', {
      source: { platform: 'discord', accountId: aliceBot.accountId, chatId: aliceBot.channels[0] },
      destination: { platform: 'discord', accountId: bobBot.accountId, chatId: bobBot.channels[0] },
    });
    assert.equal(stolen.status, 404);
    assert.deepEqual([stolen.body.error.code, stolen.body.error.field], ['linked_account_not_found', 'source.accountId']);
    const redirect = await req(bob, 'post', '/v1/pairs', {
      source: { platform: 'discord', accountId: bobBot.accountId, chatId: bobBot.channels[0] },
      destination: { platform: 'telegram', accountId: randomUUID(), chatId: '-1001' },
    });
    assert.equal(redirect.status, 404);
    assert.equal(redirect.body.error.field, 'destination.accountId');
    assert.deepEqual((await req(alice, 'get', `/v1/pairs/${pair.id}`)).body, pair);
    assert.equal((await countsOf(world, bob.userId)).pairs, 0);
  });

  it('previews what a message becomes, or why it is dropped', async () => {
    await clearPairs(alice);
    const pair = (await req(alice, 'post', '/v1/pairs', pairBody(aliceBot, 0, 1, {
      filters: [{ kind: 'keyword', mode: 'include', words: ['release'] }, { kind: 'keyword', mode: 'exclude', words: ['draft'] }],
    }))).body;
    const kept = await req(alice, 'post', `/v1/pairs/${pair.id}/preview`, { text: 'New release: 2.0' });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.equal(kept.body.outcome.action, 'forward');
    assert.equal(kept.body.outcome.message.text.text, 'New release: 2.0');
    assert.deepEqual(kept.body.steps.map((s: { result: string }) => s.result), ['kept', 'kept']);
    const dropped = await req(alice, 'post', `/v1/pairs/${pair.id}/preview`, { text: 'release draft' });
    assert.deepEqual(
      [dropped.body.outcome.action, dropped.body.outcome.reason, dropped.body.outcome.filterIndex],
      ['drop', 'keyword_matched', 1],
    );
    const photo = await req(alice, 'post', `/v1/pairs/${pair.id}/preview`, { attachments: [{ kind: 'photo' }] });
    assert.equal(photo.body.outcome.reason, 'keyword_not_matched');
    const bad = await req(alice, 'post', `/v1/pairs/${pair.id}/preview`, { attachments: [{ kind: 'hologram' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'attachments.0.kind');
  });

  it('rate limits per plan: 429 with Retry-After past Free\'s 60 a minute', async () => {
    const carol = await world.h.registerUser();
    let limited: Awaited<ReturnType<typeof req>> | null = null;
    for (let i = 0; i < 70 && limited === null; i += 1) {
      const res = await req(carol, 'get', '/v1/pairs');
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 200);
    }
    assert.ok(limited !== null, 'limited within 70 calls');
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  });
});
