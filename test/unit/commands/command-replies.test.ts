import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { upgradeOptions } from '../../../src/domain/plans/plan-upgrades.ts';
import { accountsReply, statusReply } from '../../../src/commands/replies/accounts-reply.ts';
import { pairByRef, pairsReply, PAIRS_SHOWN, type PairLine } from '../../../src/commands/replies/pairs-reply.ts';
import { upgradeReply } from '../../../src/commands/replies/upgrade-reply.ts';

const pair = (id: string, name: string, over: Partial<PairLine> = {}): PairLine => ({ id, name, status: 'active', pausedReason: null, notice: null, ...over });

describe('bot command replies (pure)', () => {
  it('finds a pair by its name (any case) or by the start of its id, 8 characters at least', () => {
    const pairs = [pair('aaaaaaaa-1111', 'News'), pair('bbbbbbbb-2222', 'alerts'), pair('cccccccc-3333', 'alerts')];
    assert.equal((pairByRef(pairs, 'news') as { pair: PairLine }).pair.id, 'aaaaaaaa-1111');
    assert.equal((pairByRef(pairs, 'cccccccc') as { pair: PairLine }).pair.name, 'alerts');
    assert.match((pairByRef(pairs, 'alerts') as { problem: string }).problem, /^2 pairs are named "alerts"/);
    assert.match((pairByRef(pairs, 'cccc') as { problem: string }).problem, /You have no pair named "cccc"/, 'a short id prefix is no reference');
  });

  it('lists pairs with their state and notices, at most PAIRS_SHOWN, the rest counted', () => {
    const many = Array.from({ length: PAIRS_SHOWN + 3 }, (_, i) => pair(`id-${i}-xxxxxxxx`, `p${i}`));
    many[0] = pair('id-0-xxxxxxxx', 'p0', { status: 'paused', pausedReason: 'plan_limit', notice: { code: 'destination_forbidden', message: 'The bot lacks a permission' } });
    const text = pairsReply(many).text;
    assert.match(text, /⏸ p0 · paused \(over your plan's limit\)/);
    assert.match(text, /⚠ The bot lacks a permission/);
    assert.match(text, /… and 3 more on the dashboard\./);
    assert.equal(pairsReply([]).text, 'You have no forwarding pairs yet: make one on the dashboard.');
  });

  it('shows what each higher plan adds, and nothing above Elite', () => {
    const text = upgradeReply(PLANS.free, upgradeOptions(PLANS.free), 'Ask an admin.').text;
    assert.match(text, /^Your plan: Free\n\nPro\n/);
    assert.match(text, /pairs: 5 → unlimited/);
    assert.match(text, /Ask an admin\.$/);
    assert.equal(upgradeReply(PLANS.elite, upgradeOptions(PLANS.elite), 'x').text, 'Your plan: Elite\nYou have the highest plan already.');
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
