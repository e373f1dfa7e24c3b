/**
 * The admin's runtime page in a real browser, against a stand-in supervisor
 * (a published status snapshot and an admin-command listener, as the API's
 * runtime tests use): workers, sessions and queues arrive live by
 * server-sent events, a session is paused from the page, a dead letter is
 * replayed, the RAM watermarks are set, and a free user opening the page is refused without the page
 * asking the API for the stream.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { AdminCommandListener, publishSnapshot, removeSnapshot } from '../../../src/cluster/admin-channel.ts';
import type { AdminRequest } from '../../../src/cluster/status-snapshot.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { snapshotA } from '../../helpers/snapshot-fixtures.ts';
import { checkPage, launchBrowser, signIn } from './browser-kit.ts';

describe('dashboard: the admin runtime page in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let h: ApiHarness;
  let listener: AdminCommandListener;
  let publisher: NodeJS.Timeout;
  const seen: AdminRequest[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    h = await startApiHarness();
    const publish = () => publishSnapshot(h.ctx.redis, snapshotA(Date.now()), 60_000);
    await publish();
    publisher = setInterval(() => { void publish(); }, 1_000);
    listener = new AdminCommandListener(h.ctx.redis, 'sup-a');
    await listener.start(async (req) => {
      seen.push(req);
      if (req.command === 'set-pressure') return { highWatermark: (req as { highWatermark: number }).highWatermark, lowWatermark: (req as { lowWatermark: number }).lowWatermark, pauseElite: false };
      if (req.command === 'dead-letters' && (req as { action: string }).action === 'list') {
        return [{ task: { id: 'task-1', tier: 'pro' }, error: 'Missing Permissions', reason: 'permanent', deadAt: Date.now() }];
      }
      return { done: req.command };
    });
  });
  after(async () => {
    clearInterval(publisher);
    await listener?.stop();
    if (h) await removeSnapshot(h.ctx.redis, 'sup-a');
    await browser?.close();
    await h?.close();
  });

  it('shows workers, sessions and queues live, pauses a session and replays a dead letter', async () => {
    const admin = await h.registerUser({ role: 'admin' });
    const page = await signIn(browser, h.baseUrl, admin);
    const streams: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/v1/admin/live')) streams.push(r.url()); });
    await page.getByRole('link', { name: 'Runtime' }).click();
    await page.getByText('● live').waitFor();
    assert.ok(!streams.some((url) => url.includes('token')), 'the token never goes in the URL');
    await page.getByRole('cell', { name: /^w-a1 pid/ }).waitFor();
    await page.getByRole('cell', { name: /^tg-alice/ }).waitFor();
    // The chart of the waits, drawn by uPlot, with its text legend.
    await page.locator('figure.chart canvas').waitFor({ timeout: 15_000 });
    await page.getByText(/elite: p50 3 ms, p99 12 ms/).waitFor();

    await page.getByRole('row', { name: /tg-alice/ }).getByRole('button', { name: 'Pause' }).click();
    await page.getByText('tg-alice: pause done').waitFor();
    await page.getByRole('row', { name: /tg-alice/ }).getByRole('combobox').selectOption('w-a2');
    await page.getByText('tg-alice: reassign done').waitFor();
    await page.getByRole('cell', { name: 'permanent: Missing Permissions' }).waitFor();
    await page.getByRole('row', { name: /task-1/ }).getByRole('button', { name: 'Replay' }).click();
    await page.getByText(/Replayed/).waitFor();
    // Lowering the watermarks under the host's use is how the demo shows Free actors paused first.
    await page.getByLabel('Pause past, % RAM').fill('50');
    await page.getByLabel('Resume under, % RAM').fill('40');
    await page.getByRole('button', { name: 'Set watermarks' }).click();
    await page.getByText('sup-a: pause past 50 %, resume under 40 %').waitFor();
    await page.getByLabel('Resume under, % RAM').fill('60');
    await page.getByRole('button', { name: 'Set watermarks' }).click();
    await page.getByText(/sup-a: .*lowWatermark must be below highWatermark/).waitFor();
    await checkPage(page, 'admin-runtime');

    const commands = seen.map((r) => ({ ...r, requestId: undefined, replyTo: undefined }));
    assert.ok(commands.some((c) => c.command === 'pause' && (c as { sessionId?: string }).sessionId === 'tg-alice'));
    assert.ok(commands.some((c) => c.command === 'reassign' && (c as { toWorkerId?: string }).toWorkerId === 'w-a2'));
    assert.ok(commands.some((c) => c.command === 'dead-letters' && JSON.stringify((c as { ids?: unknown }).ids) === '["task-1"]'));
    assert.deepEqual(commands.filter((c) => c.command === 'set-pressure').map((c) => (c as { highWatermark?: number }).highWatermark), [0.5], 'the refused change was not sent');
    await page.close();
  });

  it('refuses the runtime page to a free user without opening the stream', async () => {
    const page = await signIn(browser, h.baseUrl, await h.registerUser());
    const streams: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/v1/admin/')) streams.push(r.url()); });
    await page.goto(`${h.baseUrl}/#/runtime`);
    await page.getByText('This page is for administrators').waitFor();
    assert.deepEqual(streams, []);
    await page.close();
  });
});
