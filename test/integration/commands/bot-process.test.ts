/**
 * The `bot` process as pm2 starts it (src/commands/bot-main.ts), in its own
 * OS process with only its environment: with CONTROL_BOT_TELEGRAM_TOKEN
 * and the Telegram application settings it logs the control bot in on the
 * MTProto fake, answers a linked user, delivers a notice queued by another
 * process, and stops with exit 0 on SIGTERM; with a token Telegram refuses
 * it stops with 78, which pm2 does not restart.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatLinksOf } from '../../../src/api/routes/chat-links.ts';
import { planExpiringNotice } from '../../../src/commands/notices/chat-notice.ts';
import { NoticeOutbox } from '../../../src/commands/notices/notice-outbox.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { TEST_REDIS_PREFIX, TEST_SCHEMA, testEnv } from '../../helpers/namespace.ts';
import { API_HASH, API_ID, waitFor } from '../telegram/telegram-test-kit.ts';

describe('the bot process (bot-main.ts in its own process) with a Telegram control bot', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let fake: TelegramFake;
  let child: ChildProcess | null = null;
  let dir = '';
  let linked: string | null = null;

  afterEach(async () => {
    child?.kill('SIGKILL');
    // Every fake numbers its users alike, and the harness's schema is shared: leave no link for the next fake's users.
    if (linked !== null) await chatLinksOf(h.ctx).unlink('telegram', linked).catch(() => {});
    await fake?.close();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a linked user, delivers a queued notice, and stops with exit 0 on SIGTERM', async () => {
    // The API harness and the process share Redis keys and secrets: two processes of one deployment.
    const shared = {
      REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}botproc:`,
      SECRET_KEYS: `t1:${randomBytes(32).toString('base64')}`,
      JWT_SECRET: randomBytes(32).toString('base64'),
      API_KEY_PEPPER: randomBytes(32).toString('base64'),
    };
    h = await startApiHarness({ env: shared });
    fake = await TelegramFake.start({ floodLimits: false });
    const bot = fake.createBot({ username: 'Switchboard_bot', firstName: 'Switchboard' });
    const ann = fake.createUser({ phone: '+15550008001', firstName: 'Ann' });
    linked = ann.id;
    const user = await h.registerUser({ plan: 'elite' });
    dir = mkdtempSync(join(tmpdir(), 'sb-bot-proc-'));
    const keyFile = join(dir, 'server-key.pem');
    writeFileSync(keyFile, fake.publicKeyPem);

    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/commands/bot-main.ts'], {
      env: testEnv({
        ...shared, DATABASE_SCHEMA: `${TEST_SCHEMA}_api`, MAIL_DIR: dir,
        TELEGRAM_API_ID: String(API_ID), TELEGRAM_API_HASH: API_HASH, TELEGRAM_SERVER: `${fake.host}:${fake.port}`, TELEGRAM_SERVER_KEY_FILE: keyFile,
        CONTROL_BOT_TELEGRAM_TOKEN: bot.token,
      }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child = proc;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await waitFor('the command menu set', () => fake.botCommands(bot).length > 0, 30_000);

    const { code } = await chatLinksOf(h.ctx).issueCode(user.userId);
    fake.sendAsUser(ann.id, bot, { text: `/link ${code}` });
    fake.sendAsUser(ann.id, bot, { text: '/plan' });
    await waitFor('two answers', () => fake.botMessages(bot, ann.id).length === 2, 10_000);
    assert.match(fake.botMessages(bot, ann.id)[1]!.text, /^Your plan: Elite/);

    await new NoticeOutbox(h.ctx.redis).publish(planExpiringNotice(user.userId, 'sub-1', 'Elite', new Date('2026-12-09T00:00:00Z')));
    await waitFor('the notice', () => fake.botMessages(bot, ann.id).length === 3, 15_000);
    assert.match(fake.botMessages(bot, ann.id)[2]!.text, /^Your Elite plan ends on 2026-12-09/);

    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    child = null;
  });
  it('stops with 78 and says so when Telegram refuses the token: restarting cannot help', async () => {
    h = await startApiHarness();
    fake = await TelegramFake.start({ floodLimits: false });
    const bot = fake.createBot({ username: 'Switchboard_bot', firstName: 'Switchboard' });
    dir = mkdtempSync(join(tmpdir(), 'sb-bot-proc-'));
    const keyFile = join(dir, 'server-key.pem');
    writeFileSync(keyFile, fake.publicKeyPem);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/commands/bot-main.ts'], {
      env: testEnv({
        DATABASE_SCHEMA: `${TEST_SCHEMA}_api`, MAIL_DIR: dir,
        TELEGRAM_API_ID: String(API_ID), TELEGRAM_API_HASH: API_HASH, TELEGRAM_SERVER: `${fake.host}:${fake.port}`, TELEGRAM_SERVER_KEY_FILE: keyFile,
        // Well formed, never issued.
        CONTROL_BOT_TELEGRAM_TOKEN: `${bot.id}:${'A'.repeat(35)}`,
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    child = null;
    assert.equal(code, 78, stderr);
    assert.match(stderr, /^CONTROL_BOT_TELEGRAM_TOKEN was refused by Telegram \(ACCESS_TOKEN_INVALID\): set the bot's current token$/m);
  });
});
