import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { upgradeOptions } from '../../../src/domain/plans/plan-upgrades.ts';
import { accountsReply, statusReply } from '../../../src/commands/replies/accounts-reply.ts';
import { PAGE_SIZE } from '../../../src/commands/page-nav.ts';
import { pairByRef, pairsReply, type PairLine } from '../../../src/commands/replies/pairs-reply.ts';
import { upgradeReply } from '../../../src/commands/replies/upgrade-reply.ts';
import { statsReply, usersReply, workersReply } from '../../../src/commands/replies/admin-replies.ts';

const pair = (id: string, name: string, over: Partial<PairLine> = {}): PairLine => ({ id, name, status: 'active', pausedReason: null, notice: null, ...over });

describe('bot command replies (pure)', () => {
  it('finds a pair by its name (any case) or by the start of its id, 8 characters at least', () => {
    const pairs = [pair('aaaaaaaa-1111', 'News'), pair('bbbbbbbb-2222', 'alerts'), pair('cccccccc-3333', 'alerts')];
    assert.equal((pairByRef(pairs, 'news') as { pair: PairLine }).pair.id, 'aaaaaaaa-1111');
    assert.equal((pairByRef(pairs, 'cccccccc') as { pair: PairLine }).pair.name, 'alerts');
    assert.match((pairByRef(pairs, 'alerts') as { problem: string }).problem, /^2 pairs are named "alerts"/);
    assert.match((pairByRef(pairs, 'cccc') as { problem: string }).problem, /You have no pair named "cccc"/, 'a short id prefix is no reference');
  });

  it('lists pairs with their state and notices, a page at a time, with where the page sits', () => {
    const many = Array.from({ length: PAGE_SIZE + 3 }, (_, i) => pair(`id-${i}-xxxxxxxx`, `p${i}`));
    many[0] = pair('id-0-xxxxxxxx', 'p0', { status: 'paused', pausedReason: 'plan_limit', notice: { code: 'destination_forbidden', message: 'The bot lacks a permission' } });
    const first = pairsReply(many);
    assert.match(first.text, /^Your pairs \(13\) · page 1 of 2\n/);
    assert.match(first.text, /⏸ p0 · paused \(over your plan's limit\)/);
    assert.match(first.text, /⚠ The bot lacks a permission/);
    assert.doesNotMatch(first.text, /p10/);
    assert.deepEqual(first.nav, { list: 'pairs', page: 0, pages: 2, arg: '' });
    const second = pairsReply(many, 1);
    assert.match(second.text, /page 2 of 2[\s\S]*p10[\s\S]*p12/);
    assert.doesNotMatch(second.text, /p9 /);
    assert.deepEqual(pairsReply(many, 7).nav?.page, 1, 'a page past the end shows the last');
    assert.equal(pairsReply(many.slice(0, 3)).nav, undefined, 'one page: no buttons');
    assert.equal(pairsReply([]).text, 'You have no forwarding pairs yet: make one on the dashboard.');
  });

  it('shows what each higher plan adds, and nothing above Elite', () => {
    const text = upgradeReply(PLANS.free, upgradeOptions(PLANS.free), 'Ask an admin.').text;
    assert.match(text, /^Your plan: Free\n\nPro\n/);
    assert.match(text, /pairs: 5 → unlimited/);
    assert.match(text, /Ask an admin\.$/);
    assert.equal(upgradeReply(PLANS.elite, upgradeOptions(PLANS.elite), 'x').text, 'Your plan: Elite\nYou have the highest plan already.');
    const fromPro = upgradeReply(PLANS.pro, upgradeOptions(PLANS.pro), 'x').text;
    assert.match(fromPro, /\nmessages waiting to be forwarded: 5,000 → 20,000\n/);
    assert.match(fromPro, /\nlargest file, in megabytes: 200 → 2,000\n/);
    assert.match(fromPro, /\nAdds: several Telegram accounts, API keys\n/);
    assert.doesNotMatch(fromPro, /[a-z][A-Z]/, 'no raw key names');
  });

  it('sums up accounts and pairs, naming what needs attention', () => {
    const accounts = [
      { platform: 'telegram' as const, name: 'Ann', status: 'active', lastError: null },
      { platform: 'discord' as const, name: 'bot', status: 'error', lastError: 'gateway closed 4014' },
    ];
    assert.match(accountsReply(accounts).text, /Discord bot · failing\n {3}gateway closed 4014/);
    assert.equal(statusReply([accounts[0]!], [pair('a', 'x')]).text, 'Accounts: 1 of 1 running. Pairs: 1 of 1 active.\nNothing needs your attention.');
    assert.match(statusReply(accounts, []).text, /⚠ bot: failing/);
  });
});

describe('admin command replies (pure)', () => {
  const snapshot = {
    supervisorId: 'host-1', pid: 1, hostname: 'host', startedAt: 0, publishedAt: 0,
    host: { totalBytes: 8 * 2 ** 30, availableBytes: 2 * 2 ** 30, usedFraction: 0.75 },
    pressure: { highWatermark: 0.85, lowWatermark: 0.7, pauseElite: false },
    workers: [{ workerId: 'host-1-w1', pid: 2, state: 'running' as const, rssBytes: 300 * 2 ** 20, sessions: 3, sessionLimit: 5000, ramCapBytes: 2 ** 32, restarts: 1, threads: [] }],
    sessions: (['elite', 'free', 'free'] as const).map((tier, i) => ({
      actorId: `a${i}`, userId: 'u', tier, platform: 'discord' as const, workerId: 'host-1-w1', threadIndex: 0, state: 'running' as const,
      memoryBytes: 0, lastActivityAt: 0, pausedBy: null, queuedReason: null,
    })),
    queue: { queued: { elite: 4, pro: 0, free: 9 } } as never,
  };
  const stats = {
    period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    users: { total: 3, byTier: { free: 1, pro: 1, elite: 1 }, byRole: {}, byStatus: {} },
    pairs: { total: 2, active: { free: 1, pro: 0, elite: 1 }, paused: { free: 0, pro: 0, elite: 0 } },
    messagesThisPeriod: { total: 1234, byTier: { free: 4, pro: 30, elite: 1200 } },
  };

  it('/stats adds the sessions and queued tasks of every supervisor by tier', () => {
    const text = statsReply(stats, [snapshot]).text;
    assert.match(text, /Users 3: elite 1 · pro 1 · free 1/);
    assert.match(text, /Messages this period 1,234: elite 1,200 · pro 30 · free 4/);
    assert.match(text, /Sessions: elite 1 · pro 0 · free 2\nQueued: elite 4 · pro 0 · free 9$/);
    assert.match(statsReply(stats, []).text, /No supervisor is running: no sessions, no queue\.$/);
  });

  it('/workers lists each supervisor\'s workers; /users the directory rows, the rest counted', () => {
    assert.equal(workersReply([snapshot]).text, 'host-1 on host: host memory 75 % used\n  host-1-w1 · running · 300 MB · 3/5000 sessions · 1 restarts');
    const row = { id: 'x', email: 'ann@example.com', role: 'free_user' as const, status: 'active' as const, plan: 'pro' as const, createdAt: new Date(), lastLoginAt: null, pairs: 2, sessions: 1, counters: { messages: 0, api_calls: 0, commands: 0 } };
    const page = usersReply([row], 30, 'ann', 1);
    assert.equal(page.text, 'Users matching "ann": 30 · page 2 of 3\nann@example.com · pro · free_user · active · 2 pairs · 1 sessions');
    assert.deepEqual(page.nav, { list: 'users', page: 1, pages: 3, arg: 'ann' });
    const long = usersReply([row], 30, 'a'.repeat(60));
    assert.equal(long.nav, undefined, 'a search too long for a button\'s data');
    assert.match(long.text, /A search this long gets no page buttons: narrow it, or use \/v1\/admin\/users\.$/);
    assert.equal(usersReply([row], 1, undefined).nav, undefined);
    assert.equal(usersReply([], 0, undefined).text, 'There are no users.');
  });
});
