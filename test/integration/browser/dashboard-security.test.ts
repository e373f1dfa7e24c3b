/**
 * The dashboard's sign-ins and API keys page, and the admin's reports, in a
 * real browser: an API key created read-only works once copied and stops
 * working when revoked; another device's session is ended from the page;
 * stats by tier and the audit trail filtered by action family.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { checkPage, launchBrowser, signIn, until } from './browser-kit.ts';

describe('dashboard: sign-ins, API keys and reports in a real browser', function () {
  this.timeout(60_000);
  let browser: Browser;
  let h: ApiHarness;

  before(async function () {
    browser = await launchBrowser(this);
    h = await startApiHarness();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('creates a read-only API key shown once, which reads but cannot write, and revokes it', async () => {
    const user = await h.registerUser({ plan: 'elite' });
    const page = await signIn(browser, h.baseUrl, user);
    await page.getByRole('link', { name: 'Sign-ins and keys' }).click();
    await page.getByText('No key yet').waitFor();
    await page.getByLabel('New key\'s name').fill('backup script');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('code.secret, [role=alert]').first().waitFor();
    if (await page.getByRole('alert').count() > 0) assert.fail(`refused: ${await page.getByRole('alert').textContent()}`);
    const key = (await page.locator('code.secret').textContent()) ?? '';
    assert.ok(key.length > 20, 'the key is shown');
    assert.equal((await h.request('get', '/v1/pairs', { headers: { 'x-api-key': key } })).status, 200);
    assert.equal((await h.request('post', '/v1/pairs', { headers: { 'x-api-key': key }, body: {} })).status, 403, 'read only');
    await checkPage(page, 'security');

    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    await page.getByRole('cell', { name: 'revoked' }).waitFor();
    assert.equal((await h.request('get', '/v1/pairs', { headers: { 'x-api-key': key } })).status, 401);
    await page.reload();
    assert.equal(await page.locator('code.secret').count(), 0, 'never shown again');
    await page.close();
  });

  it('ends another device\'s session from the page', async () => {
    const user = await h.registerUser();
    // registerUser signed in once already: that is the other device.
    const page = await signIn(browser, h.baseUrl, user);
    await page.getByRole('link', { name: 'Sign-ins and keys' }).click();
    await page.getByRole('button', { name: 'Sign out there' }).click();
    await page.getByText('Signed out there.').waitFor();
    await until('the other session gone from the list', async () => (await page.getByRole('button', { name: 'Sign out there' }).count()) === 0);
    const refresh = await h.request('post', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    assert.equal(refresh.status, 401);
    await page.close();
  });

  it('shows an admin the figures by tier and the audit trail filtered by action family', async () => {
    await h.registerUser({ plan: 'elite' });
    const admin = await h.registerUser({ role: 'admin' });
    const free = await h.registerUser();
    await h.request('post', `/v1/admin/users/${free.userId}/suspend`, { token: admin.accessToken });
    const page = await signIn(browser, h.baseUrl, admin);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'By tier' }).waitFor();
    const users = page.getByRole('row', { name: /^Users/ });
    assert.ok(Number(await users.getByRole('cell').first().textContent()) >= 1, 'elite users counted');
    await page.getByLabel(/Action/).fill('admin.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await until('only admin actions listed', async () => {
      const actions = await page.locator('section[aria-labelledby=audit-title] tbody td:nth-child(2)').allTextContents();
      return actions.length > 0 && actions.every((a) => a.startsWith('admin.'));
    });
    await page.getByRole('cell', { name: 'admin.user_suspended' }).first().waitFor();
    await checkPage(page, 'reports');
    await page.close();
  });
});
