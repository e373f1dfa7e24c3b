import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { UsageReport } from '../../../src/api/usage/usage-report.ts';
import { figure } from '../../../src/api/usage/usage-report.ts';
import { planReply, usageReply } from '../../../src/commands/replies/usage-reply.ts';
import { ReplyText, renderForDiscord, renderForTelegram } from '../../../src/commands/reply-text.ts';
import { PLANS } from '../../../config/plans.ts';

function report(overrides: Partial<UsageReport['figures']> = {}): UsageReport {
  return {
    plan: 'free',
    period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    figures: {
      pairs: figure(1, 5), sessions: figure(1, 1), telegramAccounts: figure(0, 1), discordAccounts: figure(1, 1),
      messagesForwarded: figure(10, 10_000), apiCalls: figure(0, 10_000), commands: figure(3, 1_000), ...overrides,
    },
  };
}

describe('bot replies', () => {
  it('/usage: each figure against its limit, flagged from 80 % and at 100 %', () => {
    const r = usageReply(report({ pairs: figure(4, 5), messagesForwarded: figure(10_000, 10_000) }));
    assert.equal(r.text, [
      'Usage, 2026-12-01 to 2027-01-01',
      'Forwarding pairs: 4 / 5 - over 80 %',
      'Linked accounts: 1 / 1 - limit reached',
      'Messages forwarded this period: 10,000 / 10,000 - limit reached',
      'API calls this period: 0 / 10,000',
      'Bot commands this period: 3 / 1,000',
      '/upgrade shows what the other plans allow.',
    ].join('\n'));
    assert.deepEqual(r.entities.map((e) => r.text.slice(e.offset, e.offset + e.length)), ['Usage, 2026-12-01 to 2027-01-01', 'limit reached', 'limit reached']);
  });

  it('/plan: name, expiry and limits', () => {
    const r = planReply(PLANS.pro, new Date('2027-01-15T10:00:00Z'));
    assert.match(r.text, /^Your plan: Pro until 2027-01-15, then Free\nPairs: unlimited/);
    assert.match(planReply(PLANS.free, null).text, /\(no expiry\)[\s\S]*Includes: keyword filters$/);
  });

  it('renders on both platforms without letting user text become markup', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (name) => {
      const reply = new ReplyText().plain('Pair ').bold(name).plain(' paused').build();
      for (const part of renderForTelegram(reply)) assert.ok(part.text.length <= 4_096);
      for (const part of renderForDiscord(reply)) assert.ok(part.length <= 2_000);
    }));
    const md = renderForDiscord(new ReplyText().plain('user *not bold* `x`').build()).join('');
    assert.ok(!/(^|[^\\])\*not bold\*/.test(md), md);
  });
});
