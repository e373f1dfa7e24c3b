import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DEFAULTS } from '../../config/defaults.ts';
import { componentLogger, createLogger, type LogConfig } from '../../src/logging/logger.ts';

const config: LogConfig = {
  LOG_LEVEL: 'info',
  LOG_DIR: DEFAULTS.LOG_DIR,
  LOG_PRETTY: 'false',
  LOG_ROTATE_SIZE: DEFAULTS.LOG_ROTATE_SIZE,
  LOG_ROTATE_FREQUENCY: DEFAULTS.LOG_ROTATE_FREQUENCY,
  LOG_RETAIN_FILES: DEFAULTS.LOG_RETAIN_FILES,
};

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger(config, 'test', stream) };
}

const SECRET = 'SECRET-VALUE-1234';

describe('logging', () => {
  it('names the component in every line of a child logger', () => {
    const { lines, logger } = capture();
    componentLogger(logger, 'scheduler', { workerId: 'w1' }).info('tick');
    assert.equal(lines[0]?.component, 'scheduler');
    assert.equal(lines[0]?.workerId, 'w1');
  });

  const shapes: Array<[string, Record<string, unknown>]> = [
    ['top-level password', { password: SECRET }],
    ['top-level session string', { sessionString: SECRET }],
    ['nested bot token', { account: { botToken: SECRET } }],
    ['two levels down', { req: { body: { password: SECRET } } }],
    ['authorization header', { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
    ['api key header', { req: { headers: { 'x-api-key': SECRET } } }],
    ['refresh token', { refreshToken: SECRET }],
    ['TOTP secret', { user: { totpSecret: SECRET } }],
    ['current password (password change)', { body: { currentPassword: SECRET } }],
    ['new password', { body: { newPassword: SECRET } }],
    ['access token', { accessToken: SECRET }],
    ['MFA token', { body: { mfaToken: SECRET } }],
    ['TOTP code', { totpCode: SECRET }],
    ['recovery codes', { recoveryCodes: [SECRET] }],
    ['otpauth URI', { otpauthUri: `otpauth://totp/x?secret=${SECRET}` }],
    ['API key', { apiKey: SECRET }],
    ['control bot tokens in a config', { config: { CONTROL_BOT_TELEGRAM_TOKEN: SECRET, CONTROL_BOT_DISCORD_TOKEN: SECRET } }],
    ['gramjs bot login parameters', { params: { botAuthToken: SECRET } }],
    ['billing keys in a config', { config: { STRIPE_SECRET_KEY: SECRET, STRIPE_WEBHOOK_SECRET: SECRET, NOWPAYMENTS_IPN_SECRET: SECRET, PAYPAL_CLIENT_SECRET: SECRET } }],
    ['a Stripe gateway', { gateway: { webhookSecret: SECRET } }],
    ['a PayPal token answer', { token: { access_token: SECRET } }],
    ['PayPal credentials', { paypal: { clientSecret: SECRET } }],
  ];
  for (const [name, obj] of shapes) {
    it(`redacts a ${name}`, () => {
      const { lines, logger } = capture();
      logger.info(obj, 'event');
      const text = JSON.stringify(lines[0]);
      assert.ok(!text.includes(SECRET), text);
      assert.ok(text.includes('[redacted]'), text);
    });
  }

  it('writes rotated JSON files under LOG_DIR, redacted too', async function () {
    this.timeout(10_000);
    const dir = mkdtempSync(join(tmpdir(), 'sb-logs-'));
    const logger = createLogger({ ...config, LOG_DIR: dir }, 'unit');
    logger.info({ token: SECRET }, 'to the file');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    let text = '';
    for (let i = 0; i < 50 && !text.includes('to the file'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    }
    assert.ok(readdirSync(dir).some((f) => f.startsWith('unit.') && f.endsWith('.log')), readdirSync(dir).join(','));
    assert.ok(text.includes('to the file'));
    assert.ok(!text.includes(SECRET));
  });
});
