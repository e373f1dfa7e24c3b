/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core
 * against the API harness. Sign-in, plan and usage with the 80 % and 100 %
 * warnings, the admin page refused to a free user and shown to an admin, an
 * axe-core check on each page (no serious or critical violations), and
 * screenshots of each page in `test-artifacts/`.
 */
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARD_PAGES } from '../../../src/api/routes/dashboard.ts';
import { ForwardingPair } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';
import { checkPage, launchBrowser, signIn, until } from './browser-kit.ts';

describe('dashboard in a real browser', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let browser: Browser;
  // A clock the test moves, so a TOTP code is not refused as the one already used to confirm setup.
  let clock = Date.now();

  before(async function () {
    browser = await launchBrowser(this);
    h = await startApiHarness({ now: () => clock });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  const signedIn = (user: RegisteredUser): Promise<Page> => signIn(browser, h.baseUrl, user);

  it('is served with a strict CSP, and an unknown dashboard file is the API\'s JSON 404', async () => {
    const index = await fetch(`${h.baseUrl}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    // Every page a mail links to is served (register, confirm, forgot, reset).
    for (const path of DASHBOARD_PAGES) {
      const page = await fetch(`${h.baseUrl}${path}?token=x`);
      assert.equal(page.status, 200, path);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer', path);
    }
    const missing = await fetch(`${h.baseUrl}/ui/nothing.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'route_not_found');
  });

  it('signs in and shows plan and usage, warning at 80 % of a limit and at 100 %', async () => {
    const user = await h.registerUser();
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkPage(page, 'sign-in');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent() ?? '', /email or password/i);
    await page.close();

    // Free allows 5 pairs: 4 is past 80 %.
    const em = h.ctx.orm.em.fork();
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => em.create(ForwardingPair, {
      user: user.userId, name: `p${i}-${Math.random()}`, sourcePlatform: 'discord', sourceAccountId: crypto.randomUUID(), sourceChatId: `1${i}${Date.now()}`,
      destinationPlatform: 'discord', destinationAccountId: crypto.randomUUID(), destinationChatId: `2${i}${Date.now()}`,
    } as never));
    pairs(4);
    await em.flush();
    const near = await signedIn(user);
    assert.equal(await near.locator('.plan').textContent(), 'free');
    assert.match(await near.getByRole('status').textContent() ?? '', /Over 80 % of your limit: Forwarding pairs/);
    await checkPage(near, 'usage-warning');
    await near.close();

    pairs(1);
    await em.flush();
    const full = await signedIn(user);
    assert.match(await full.getByRole('alert').textContent() ?? '', /Limit reached: Forwarding pairs/);
    await checkPage(full, 'usage-limit');
    await full.close();
  });

  it('signs in with a second factor: password, then the authenticator code', async () => {
    const user = await h.registerUser();
    const setup = await h.request('post', '/v1/auth/totp/setup', { token: user.accessToken });
    const code = () => generate({ secret: setup.body.secret, epoch: Math.floor(clock / 1000) });
    assert.equal((await h.request('post', '/v1/auth/totp/confirm', { token: user.accessToken, body: { code: await code() } })).status, 200);
    clock += 30_000;

    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await checkPage(page, 'sign-in-code');
    await page.getByLabel('Code from your authenticator app').fill(await code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: /Your plan/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  /** The mailed link, opened on this harness (mails name PUBLIC_URL). */
  function mailedLink(to: string): string {
    const link = /https?:\/\/\S+/.exec(h.mail.last(to).text)?.[0];
    assert.ok(link !== undefined, 'the mail has a link');
    const url = new URL(link);
    return `${h.baseUrl}${url.pathname}${url.search}`;
  }

  it('registers, follows the mailed confirmation link to the dashboard, and signs in', async () => {
    const email = `new-${crypto.randomUUID()}@example.com`;
    const password = 'a long enough password';
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /at least 12 characters/);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('confirmation link is on its way').waitFor();
    await checkPage(page, 'registered');

    await page.goto(mailedLink(email));
    await page.getByText('Your address is confirmed').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the token is taken off the address bar');
    await checkPage(page, 'email-confirmed');
    // The link works once.
    await page.goto(mailedLink(email));
    await page.getByText(/expired or been used/).waitFor();

    await page.goto(`${h.baseUrl}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Your plan/ }).waitFor();
    await page.close();
  });

  it('mails a reset link from the forgot page, sets a new password through it, and signs in with it', async () => {
    const user = await h.registerUser();
    const page = await browser.newPage();
    await page.goto(`${h.baseUrl}/`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByRole('button', { name: 'Mail me a reset link' }).click();
    await page.getByText('reset link is on its way').waitFor();

    await page.goto(mailedLink(user.email));
    await page.getByLabel('New password', { exact: true }).fill('the new password, long');
    await page.getByLabel('New password again').fill('a different one, long');
    await page.getByRole('button', { name: 'Set password' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /differ/);
    await page.getByLabel('New password again').fill('the new password, long');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await checkPage(page, 'password-reset');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('the new password, long');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Your plan/ }).waitFor();
    await page.close();
  });

  it('refuses the admin page to a free user, clearly, and shows it to an admin', async () => {
    const free = await signedIn(await h.registerUser());
    assert.equal(await free.getByRole('link', { name: 'Users' }).count(), 0, 'no admin link for a free user');
    await free.goto(`${h.baseUrl}/#/admin`);
    await free.getByText('This page is for administrators').waitFor();
    await checkPage(free, 'admin-refused');
    await free.close();

    const admin = await signedIn(await h.registerUser({ role: 'admin' }));
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    await admin.locator('tbody tr').first().waitFor();
    assert.ok(await admin.locator('tbody tr').count() >= 2);
    await checkPage(admin, 'admin-users');
    await admin.close();
  });

  it('lets an admin find a user, change their plan, suspend and reactivate them, and act as them under a banner', async () => {
    const user = await h.registerUser();
    const admin = await signedIn(await h.registerUser({ role: 'admin' }));
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByLabel('Email contains').fill(user.email);
    await admin.getByRole('button', { name: 'Search' }).click();
    // Only the user searched for is left.
    await until('one user listed', async () => (await admin.locator('tbody tr').count()) === 1);
    await admin.locator('tbody tr').filter({ hasText: user.email }).waitFor();

    await admin.getByLabel(`Plan of ${user.email}`).selectOption('pro');
    await admin.getByText(`${user.email}: plan is now pro`).waitFor();
    await admin.getByRole('button', { name: 'Suspend' }).click();
    await admin.getByText(`${user.email}: suspend done`).waitFor();
    const refused = await h.request('get', '/v1/me', { token: user.accessToken });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'account_inactive'], 'a suspended user is refused at once');
    await admin.getByRole('button', { name: 'Reactivate' }).click();
    await admin.getByText(`${user.email}: reactivate done`).waitFor();
    await checkPage(admin, 'admin-users-actions');

    await admin.getByRole('button', { name: 'Act as' }).click();
    await admin.getByText(`You are acting as ${user.email}`).waitFor();
    assert.equal(await admin.locator('.plan').textContent(), 'pro');
    assert.equal(await admin.getByRole('link', { name: 'Users' }).count(), 0, 'no admin pages while acting as a user');
    await checkPage(admin, 'impersonating');
    await admin.getByRole('button', { name: 'Back to my own account' }).click();
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    assert.equal(await admin.getByText('You are acting as').count(), 0);
    await admin.close();
  });
});
