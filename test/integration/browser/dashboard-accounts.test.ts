/**
 * The dashboard's linked accounts and pairs in a real browser, against the
 * Discord and Telegram fakes: a bot linked by token (a bad token refused),
 * a Telegram account through the login wizard with its 2FA password, a pair
 * added between them with a keyword filter, tried with the dry run, and the
 * plan's pair limit shown when it is reached.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { checkPage, launchBrowser, signIn } from './browser-kit.ts';

describe('dashboard: linked accounts and pairs in a real browser', function () {
  this.timeout(90_000);
  let browser: Browser;
  let discord: DiscordFake;
  let telegram: TelegramFake;
  let keyDir: string;
  let h: ApiHarness;

  before(async function () {
    browser = await launchBrowser(this);
    discord = await DiscordFake.start();
    telegram = await TelegramFake.start();
    keyDir = mkdtempSync(join(tmpdir(), 'sb-tg-key-'));
    writeFileSync(join(keyDir, 'server.pem'), telegram.publicKeyPem);
    h = await startApiHarness({
      env: {
        DISCORD_API_URL: discord.apiUrl,
        TELEGRAM_API_ID: '12345',
        TELEGRAM_API_HASH: randomBytes(16).toString('hex'),
        TELEGRAM_SERVER: `${telegram.host}:${telegram.port}`,
        TELEGRAM_SERVER_KEY_FILE: join(keyDir, 'server.pem'),
      },
    });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await telegram?.close();
    await discord?.close();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('links a Discord bot and a Telegram account (2FA), adds a filtered pair between them and dry-runs it', async () => {
    const user = await h.registerUser({ plan: 'pro' });
    const bot = discord.createBot({ username: 'relay-bot' });
    const guild = discord.createGuild({ name: 'Team', bots: [bot.id] });
    const channel = discord.createChannel(guild.id, 'general').id;
    const phone = `+1555${randomInt(1_000_000, 9_999_999)}`;
    telegram.createUser({ phone, firstName: 'Grace', password: 'cobol-1959' });

    const page = await signIn(browser, h.baseUrl, user);
    await page.getByRole('link', { name: 'Linked accounts' }).click();
    await page.getByText('No bot linked yet').waitFor();

    await page.getByLabel(/Bot token/).fill('not-a-token');
    await page.getByRole('button', { name: 'Link bot' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel(/Bot token/).fill(bot.token);
    await page.getByRole('button', { name: 'Link bot' }).click();
    await page.getByRole('cell', { name: 'relay-bot' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'the earlier refusal is gone once a link works');

    await page.getByLabel(/Phone number/).fill(phone);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByLabel(/Code Telegram sent/).fill('00000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /code/i);
    await page.getByLabel(/Code Telegram sent/).fill(telegram.lastCode(phone) ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel(/Two-step verification password/).fill('cobol-1959');
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByRole('cell', { name: /Grace/ }).waitFor();
    await checkPage(page, 'accounts');

    await page.getByRole('link', { name: 'Pairs' }).click();
    await page.getByText('No pair yet').waitFor();
    await page.getByLabel('Name (optional)').fill('team news');
    await page.locator('#source-account').selectOption({ label: 'Discord bot relay-bot' });
    await page.locator('#source-chat').fill(channel);
    await page.locator('#destination-account').selectOption({ label: 'Telegram Grace' });
    await page.locator('#destination-chat').fill('777000');
    await page.getByLabel(/Only messages with one of these words/).fill('release, outage');
    await page.getByLabel('Never messages with these words').fill('draft');
    await page.getByLabel('text', { exact: true }).check();
    await page.getByLabel('photo', { exact: true }).check();
    await page.getByLabel('Replace').fill('2.0');
    await page.getByLabel('with', { exact: true }).fill('two');
    await page.getByLabel(/Silent/).check();
    await page.getByRole('button', { name: 'Add pair' }).click();
    await page.getByText('team news', { exact: true }).waitFor();

    await page.getByRole('textbox', { name: 'Try a message' }).fill('lunch at noon');
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    assert.match(await page.getByRole('status').textContent() ?? '', /Would drop \(keyword not matched/);
    await page.getByText('only with: release, outage').waitFor();
    await page.getByText('replace “2.0” with “two”').waitFor();
    await page.getByRole('textbox', { name: 'Try a message' }).fill('release 2.0 draft');
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    await page.getByText(/Would drop \(keyword/).waitFor();
    await page.getByRole('textbox', { name: 'Try a message' }).fill('release 2.0 is out');
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    await page.getByText('Would forward: “release two is out”').waitFor();
    await checkPage(page, 'pairs');

    const pairs = await h.request('get', '/v1/pairs', { token: user.accessToken });
    assert.equal(pairs.body.items.length, 1);
    assert.equal(pairs.body.items[0].silent, true);
    assert.deepEqual(pairs.body.items[0].filters.map((f: { kind: string }) => f.kind), ['keyword', 'keyword', 'media_type', 'replace']);
    assert.deepEqual(pairs.body.items[0].filters[0].words, ['release', 'outage']);
    await page.close();
  });

  it('says so when a Free user\'s sixth pair passes the plan\'s limit, and adds nothing', async () => {
    const user = await h.registerUser();
    const bot = discord.createBot({ username: 'free-bot' });
    const guild = discord.createGuild({ name: 'Home', bots: [bot.id] });
    const channels = Array.from({ length: 7 }, (_, i) => discord.createChannel(guild.id, `c${i}`).id);
    const linked = await h.request('post', '/v1/discord-accounts', { token: user.accessToken, body: { token: bot.token } });
    assert.equal(linked.status, 201);
    for (let i = 1; i <= 5; i++) {
      const made = await h.request('post', '/v1/pairs', { token: user.accessToken, body: {
        source: { platform: 'discord', accountId: linked.body.id, chatId: channels[0] },
        destination: { platform: 'discord', accountId: linked.body.id, chatId: channels[i] },
      } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    }

    const page = await signIn(browser, h.baseUrl, user);
    await page.getByRole('link', { name: 'Pairs' }).click();
    await page.locator('#source-chat').fill(channels[0]!);
    await page.locator('#destination-chat').fill(channels[6]!);
    await page.getByRole('button', { name: 'Add pair' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /pair/i);
    await checkPage(page, 'pairs-limit');
    assert.equal((await h.request('get', '/v1/pairs', { token: user.accessToken })).body.items.length, 5);
    await page.close();
  });
});
