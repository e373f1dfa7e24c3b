import assert from 'node:assert/strict';
import { figure, type UsageReport } from '../../../src/api/usage/usage-report.ts';
import { pairsPausedNotice, planExpiringNotice, revokedNotice, usageNotices } from '../../../src/commands/notices/chat-notice.ts';

function report(figures: Partial<UsageReport['figures']>): UsageReport {
  return {
    plan: 'free',
    period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    figures: {
      pairs: figure(0, 5), sessions: figure(0, 1), telegramAccounts: figure(0, 1), discordAccounts: figure(0, 1),
      messagesForwarded: figure(0, 10_000), apiCalls: figure(0, 10_000), commands: figure(0, 1_000), ...figures,
    },
  };
}

describe('pushed notices (texts and once-only keys)', () => {
  it('usage: nothing below 80 %, a warning from 80 %, "reached" at 100 %, none for unlimited figures', () => {
    assert.deepEqual(usageNotices('u', report({ pairs: figure(3, 5) })), []);
    const [warning] = usageNotices('u', report({ messagesForwarded: figure(8_000, 10_000) }));
    assert.equal(warning!.kind, 'usage_warning');
    assert.equal(warning!.text.text, 'Nearing a limit: 8,000 of 10,000 messages forwarded this period (80 %). /usage shows the rest, /upgrade the plans.');
    assert.equal(warning!.dedupeKey, 'usage:2026-12-01T00:00:00.000Z:u:messagesForwarded:80');
    const [reached] = usageNotices('u', report({ sessions: figure(1, 1) }));
    assert.equal(reached!.kind, 'usage_reached');
    assert.equal(reached!.dedupeKey, 'usage:2026-12-01T00:00:00.000Z:u:sessions:100');
    assert.deepEqual(usageNotices('u', report({ pairs: figure(400, null) })), []);
  });

  it('a revoked account, paused pairs and an ending plan name what happened and what to do', () => {
    const revoked = revokedNotice({ userId: 'u', accountId: 'a1', platform: 'discord', label: 'relay', reason: 'intent off' }, 120_000);
    assert.equal(revoked.text.text, 'Your Discord bot relay was disconnected by the platform; its pairs are stopped until you link it again. Discord said: intent off');
    assert.equal(revoked.dedupeKey, 'revoked:a1:2');
    assert.equal(pairsPausedNotice('u', 'Free', ['a'], 'c1').text.text, '1 pair paused: your plan is now Free, which allows fewer. Paused: a. /upgrade to run them again.');
    const ending = planExpiringNotice('u', 's1', 'Elite', new Date('2026-12-09T10:00:00Z'));
    assert.match(ending.text.text, /^Your Elite plan ends on 2026-12-09; then/);
    assert.deepEqual(ending.text.entities, [{ type: 'bold', offset: 0, length: 34 }]);
  });
});
