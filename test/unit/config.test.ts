import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load-config.ts';
import { ConfigInvalidError } from '../../src/errors/registry.ts';

const KEY = 'k1:' + Buffer.alloc(32, 7).toString('base64');
/** A secret long enough for JWT_SECRET and API_KEY_PEPPER. */
const LONG = 'x'.repeat(32);
const HASH = '0123456789abcdef0123456789abcdef';
/** A complete Stripe configuration. */
const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_abcdefgh1234', STRIPE_WEBHOOK_SECRET: 'whsec_abcdefgh1234', STRIPE_PRICE_PRO_MONTHLY: 'price_pro1' };
const PAYPAL = { PAYPAL_CLIENT_ID: 'client', PAYPAL_CLIENT_SECRET: 'secret', PAYPAL_WEBHOOK_ID: '1AB23456CD789012E' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigInvalidError);
    assert.equal(err.code, 'config_invalid');
    return err.details.problems;
  }
  assert.fail('expected a ConfigInvalidError');
}

describe('configuration', () => {
  it('applies documented defaults to an empty environment', () => {
    const c = parseConfig({});
    assert.equal(c.NODE_ENV, 'development');
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.REDIS_URL, undefined);
    assert.equal(c.REDIS_KEY_PREFIX, 'sb:');
    assert.equal(c.REDIS_PERSISTENCE_CHECK, 'warn', 'production only warns unless strict is asked for');
    assert.equal(c.API_PORT, 3000);
    assert.equal(c.LOG_RETAIN_FILES, 14);
    assert.equal(c.PUBLIC_URL, 'http://127.0.0.1:3000');
    assert.equal(c.JWT_SECRET, undefined);
    assert.equal(c.ACCESS_TOKEN_TTL, 900);
    assert.equal(c.PASSWORD_HASH_MEMORY_KIB, 19_456, 'OWASP argon2id parameters by default');
    assert.equal(c.PASSWORD_HASH_ITERATIONS, 2);
    assert.equal(c.PASSWORD_HASH_PARALLELISM, 1);
    assert.equal(c.MAIL_TRANSPORT, 'file');
    assert.equal(c.DISCORD_API_URL, 'https://discord.com/api');
    assert.equal(c.API_JOBS_INTERVAL_MS, 60_000);
    assert.equal(c.STRIPE_SECRET_KEY, undefined, 'billing is off by default');
    assert.equal(c.STRIPE_API_URL, 'https://api.stripe.com');
    assert.equal(c.BILLING_GRACE_DAYS, 7);
    assert.equal(c.PAYPAL_API_URL, 'https://api-m.paypal.com');
    assert.ok(Object.isFrozen(c));
  });

  it('takes a complete Stripe, PayPal and NOWPayments configuration', () => {
    const c = parseConfig({ ...STRIPE, ...PAYPAL, NOWPAYMENTS_IPN_SECRET: 'x'.repeat(32), BILLING_GRACE_DAYS: '0' });
    assert.equal(c.STRIPE_PRICE_PRO_MONTHLY, 'price_pro1');
    assert.equal(c.BILLING_GRACE_DAYS, 0);
  });

  it('treats an empty variable as unset', () => {
    assert.equal(parseConfig({ DATABASE_URL: '' }).DATABASE_URL, undefined);
  });

  it('coerces numbers and keeps valid values', () => {
    const c = parseConfig({ API_PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/db', SECRET_KEYS: KEY });
    assert.equal(c.API_PORT, 8080);
    assert.equal(c.DATABASE_URL, 'postgres://u@h:5432/db');
  });

  it('lists every bad variable at once', () => {
    assert.equal(problemsOf({ API_PORT: 'x', LOG_LEVEL: 'loud' }).length, 2);
  });

  const cases: Array<[string, Record<string, string>, string]> = [
    ['NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production'],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['DATABASE_URL garbage', { DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    ['DATABASE_SCHEMA', { DATABASE_SCHEMA: 'Bad-Name' }, 'DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)'],
    ['REDIS_PERSISTENCE_CHECK', { REDIS_PERSISTENCE_CHECK: 'fatal' }, 'REDIS_PERSISTENCE_CHECK must be one of warn, strict, off'],
    ['REDIS_URL', { REDIS_URL: 'http://x' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    ['REDIS_KEY_PREFIX', { REDIS_KEY_PREFIX: 'a b' }, 'REDIS_KEY_PREFIX must be 1 to 64 of A-Z a-z 0-9 _ . : -'],
    ['EMBEDDED_PG_PORT', { EMBEDDED_PG_PORT: '70000' }, 'EMBEDDED_PG_PORT must be a whole number from 1 to 65535'],
    ['EMBEDDED_REDIS_PORT', { EMBEDDED_REDIS_PORT: '1.5' }, 'EMBEDDED_REDIS_PORT must be a whole number from 1 to 65535'],
    ['API_PORT', { API_PORT: 'abc' }, 'API_PORT must be a whole number from 1 to 65535'],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    ['LOG_PRETTY', { LOG_PRETTY: 'yes' }, 'LOG_PRETTY must be one of auto, true, false'],
    ['LOG_ROTATE_SIZE', { LOG_ROTATE_SIZE: '10' }, 'LOG_ROTATE_SIZE must be a size such as 500k, 50m or 1g'],
    ['LOG_ROTATE_FREQUENCY', { LOG_ROTATE_FREQUENCY: 'weekly' }, 'LOG_ROTATE_FREQUENCY must be one of daily, hourly'],
    ['LOG_RETAIN_FILES', { LOG_RETAIN_FILES: '0' }, 'LOG_RETAIN_FILES must be a positive whole number'],
    ['SHUTDOWN_TIMEOUT_MS', { SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS must be a positive whole number'],
    ['STARTUP_WAIT_MS', { STARTUP_WAIT_MS: '-1' }, 'STARTUP_WAIT_MS must be a whole number of milliseconds, 0 for no limit'],
    ['REDIS_COMMAND_TIMEOUT_MS', { REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS must be a positive whole number'],
    ['STARTUP_WAIT_MS fraction', { STARTUP_WAIT_MS: '1.5' }, 'STARTUP_WAIT_MS must be a whole number of milliseconds, 0 for no limit'],
    ['SECRET_KEYS format', { SECRET_KEYS: 'k1:short' }, 'SECRET_KEYS must be comma-separated keyId:base64 entries, each key 32 bytes (openssl rand -base64 32)'],
    ['SECRET_KEYS duplicate', { SECRET_KEYS: `${KEY},${KEY}` }, 'SECRET_KEYS names a key id twice'],
    ['SECRET_KEY_CURRENT', { SECRET_KEYS: KEY, SECRET_KEY_CURRENT: 'k9' }, 'SECRET_KEY_CURRENT must name a key id listed in SECRET_KEYS'],
    ['SUPERVISOR_ID', { SUPERVISOR_ID: 'has space' }, 'SUPERVISOR_ID must be 1 to 64 of A-Z a-z 0-9 _ . -'],
    ['SUPERVISOR_WORKERS', { SUPERVISOR_WORKERS: '0' }, 'SUPERVISOR_WORKERS must be a positive whole number'],
    ['SUPERVISOR_MAX_WORKERS', { SUPERVISOR_MAX_WORKERS: 'x' }, 'SUPERVISOR_MAX_WORKERS must be a positive whole number'],
    ['SUPERVISOR_MAX_WORKERS below workers', { SUPERVISOR_WORKERS: '4', SUPERVISOR_MAX_WORKERS: '2' }, 'SUPERVISOR_MAX_WORKERS must be at least SUPERVISOR_WORKERS'],
    ['SUPERVISOR_CAPACITY', { SUPERVISOR_CAPACITY: '0' }, 'SUPERVISOR_CAPACITY must be a positive whole number'],
    ['SUPERVISOR_CAPACITY not a number', { SUPERVISOR_CAPACITY: 'big' }, 'SUPERVISOR_CAPACITY must be a positive whole number'],
    ['SUPERVISOR_THREADS_PER_WORKER', { SUPERVISOR_THREADS_PER_WORKER: '-1' }, 'SUPERVISOR_THREADS_PER_WORKER must be a positive whole number'],
    ['SUPERVISOR_SESSIONS_PER_WORKER', { SUPERVISOR_SESSIONS_PER_WORKER: '1.5' }, 'SUPERVISOR_SESSIONS_PER_WORKER must be a positive whole number'],
    ['SUPERVISOR_THREAD_HEAP_MB', { SUPERVISOR_THREAD_HEAP_MB: 'big' }, 'SUPERVISOR_THREAD_HEAP_MB must be a positive whole number'],
    ['PRESSURE_HIGH_WATERMARK', { PRESSURE_HIGH_WATERMARK: '1.5' }, 'PRESSURE_HIGH_WATERMARK must be a number between 0 and 1'],
    ['PRESSURE_LOW_WATERMARK', { PRESSURE_LOW_WATERMARK: '0' }, 'PRESSURE_LOW_WATERMARK must be a number between 0 and 1'],
    ['watermarks crossed', { PRESSURE_HIGH_WATERMARK: '0.5', PRESSURE_LOW_WATERMARK: '0.6' }, 'PRESSURE_LOW_WATERMARK must be less than PRESSURE_HIGH_WATERMARK'],
    ['PRESSURE_PAUSE_ELITE', { PRESSURE_PAUSE_ELITE: 'yes' }, 'PRESSURE_PAUSE_ELITE must be one of true, false'],
    ['LEASE_TTL_MS', { LEASE_TTL_MS: '0' }, 'LEASE_TTL_MS must be a positive whole number'],
    ['SESSION_START_CONCURRENCY', { SESSION_START_CONCURRENCY: '0' }, 'SESSION_START_CONCURRENCY must be a positive whole number'],
    ['HEALTH_INTERVAL_MS', { HEALTH_INTERVAL_MS: 'soon' }, 'HEALTH_INTERVAL_MS must be a positive whole number'],
    ['DISCORD_INVALID_REQUEST_LIMIT', { DISCORD_INVALID_REQUEST_LIMIT: '0' }, 'DISCORD_INVALID_REQUEST_LIMIT must be a positive whole number'],
    ['SCALE_OUT_WEBHOOK_URL', { SCALE_OUT_WEBHOOK_URL: 'ftp://x' }, 'SCALE_OUT_WEBHOOK_URL must be a http:// or https:// URL'],
    ['METRICS_PORT', { METRICS_PORT: '-1' }, 'METRICS_PORT must be a whole number from 0 (off) to 65535'],
    ['API_METRICS_PORT', { API_METRICS_PORT: '70000' }, 'API_METRICS_PORT must be a whole number from 0 (off) to 65535'],
    ['METRICS_HOST', { METRICS_HOST: '' }, 'METRICS_HOST must not be empty'],
    ['production without keys', { NODE_ENV: 'production', JWT_SECRET: LONG, API_KEY_PEPPER: LONG }, 'SECRET_KEYS is required when NODE_ENV is production'],
    ['PUBLIC_URL', { PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL must be a http:// or https:// URL'],
    ['TRUST_PROXY', { TRUST_PROXY: 'true' }, 'TRUST_PROXY must be one of false, loopback, linklocal, uniquelocal'],
    ['API_BODY_LIMIT_KB', { API_BODY_LIMIT_KB: '0' }, 'API_BODY_LIMIT_KB must be a positive whole number'],
    ['JWT_SECRET', { JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters (openssl rand -base64 32)'],
    ['JWT_SECRET in production', { NODE_ENV: 'production', SECRET_KEYS: KEY, API_KEY_PEPPER: LONG }, 'JWT_SECRET is required when NODE_ENV is production'],
    ['JWT_ISSUER', { JWT_ISSUER: '' }, 'JWT_ISSUER must not be empty'],
    ['JWT_AUDIENCE', { JWT_AUDIENCE: '' }, 'JWT_AUDIENCE must not be empty'],
    ['ACCESS_TOKEN_TTL', { ACCESS_TOKEN_TTL: '15m' }, 'ACCESS_TOKEN_TTL must be a positive whole number'],
    ['REFRESH_TOKEN_TTL', { REFRESH_TOKEN_TTL: '0' }, 'REFRESH_TOKEN_TTL must be a positive whole number'],
    ['MFA_TOKEN_TTL', { MFA_TOKEN_TTL: '-1' }, 'MFA_TOKEN_TTL must be a positive whole number'],
    ['EMAIL_VERIFICATION_TTL', { EMAIL_VERIFICATION_TTL: 'x' }, 'EMAIL_VERIFICATION_TTL must be a positive whole number'],
    ['PASSWORD_RESET_TTL', { PASSWORD_RESET_TTL: '1.5' }, 'PASSWORD_RESET_TTL must be a positive whole number'],
    ['API_KEY_PEPPER', { API_KEY_PEPPER: 'pepper' }, 'API_KEY_PEPPER must be at least 32 characters (openssl rand -base64 32)'],
    ['API_KEY_PEPPER in production', { NODE_ENV: 'production', SECRET_KEYS: KEY, JWT_SECRET: LONG }, 'API_KEY_PEPPER is required when NODE_ENV is production'],
    ['PASSWORD_HASH_MEMORY_KIB', { PASSWORD_HASH_MEMORY_KIB: '0' }, 'PASSWORD_HASH_MEMORY_KIB must be a positive whole number'],
    ['PASSWORD_HASH_ITERATIONS', { PASSWORD_HASH_ITERATIONS: 'two' }, 'PASSWORD_HASH_ITERATIONS must be a positive whole number'],
    ['PASSWORD_HASH_PARALLELISM', { PASSWORD_HASH_PARALLELISM: '0.5' }, 'PASSWORD_HASH_PARALLELISM must be a positive whole number'],
    ['AUTH_RATE_LIMIT_PER_MINUTE', { AUTH_RATE_LIMIT_PER_MINUTE: '0' }, 'AUTH_RATE_LIMIT_PER_MINUTE must be a positive whole number'],
    ['REFRESH_RATE_LIMIT_PER_MINUTE', { REFRESH_RATE_LIMIT_PER_MINUTE: '2.5' }, 'REFRESH_RATE_LIMIT_PER_MINUTE must be a positive whole number'],
    ['LOGIN_MAX_FAILURES', { LOGIN_MAX_FAILURES: 'many' }, 'LOGIN_MAX_FAILURES must be a positive whole number'],
    ['LOGIN_LOCKOUT_SECONDS', { LOGIN_LOCKOUT_SECONDS: '-900' }, 'LOGIN_LOCKOUT_SECONDS must be a positive whole number'],
    ['MAIL_TRANSPORT', { MAIL_TRANSPORT: 'sendmail' }, 'MAIL_TRANSPORT must be one of file, smtp'],
    ['MAIL_DIR', { MAIL_DIR: '' }, 'MAIL_DIR must not be empty'],
    ['SMTP_URL', { SMTP_URL: 'http://mail' }, 'SMTP_URL must be a smtp:// or smtps:// URL'],
    ['SMTP_URL missing for smtp', { MAIL_TRANSPORT: 'smtp' }, 'SMTP_URL is required when MAIL_TRANSPORT is smtp'],
    ['MAIL_FROM', { MAIL_FROM: '' }, 'MAIL_FROM must not be empty'],
    ['DISCORD_API_URL', { DISCORD_API_URL: 'ws://discord' }, 'DISCORD_API_URL must be a http:// or https:// URL'],
    ['API_JOBS_INTERVAL_MS', { API_JOBS_INTERVAL_MS: '0' }, 'API_JOBS_INTERVAL_MS must be a positive whole number'],
    ['TELEGRAM_API_ID', { TELEGRAM_API_ID: 'abc', TELEGRAM_API_HASH: HASH }, 'TELEGRAM_API_ID must be a positive whole number'],
    ['TELEGRAM_API_HASH', { TELEGRAM_API_ID: '1', TELEGRAM_API_HASH: 'XYZ' }, 'TELEGRAM_API_HASH must be the 32 lower-case hex characters my.telegram.org gives'],
    ['TELEGRAM_API_HASH without TELEGRAM_API_ID', { TELEGRAM_API_HASH: HASH }, 'TELEGRAM_API_ID and TELEGRAM_API_HASH must be set together'],
    ['CONTROL_BOT_DISCORD_TOKEN', { CONTROL_BOT_DISCORD_TOKEN: 'not a token' }, 'CONTROL_BOT_DISCORD_TOKEN must be a Discord bot token (20 to 200 printable ASCII characters, no spaces)'],
    ['CONTROL_BOT_TELEGRAM_TOKEN', { CONTROL_BOT_TELEGRAM_TOKEN: '12345:short', TELEGRAM_API_ID: '1', TELEGRAM_API_HASH: HASH }, 'CONTROL_BOT_TELEGRAM_TOKEN must be a Telegram bot token from @BotFather (digits, a colon, then 30 to 64 letters, digits, _ or -)'],
    ['CONTROL_BOT_TELEGRAM_TOKEN without an application', { CONTROL_BOT_TELEGRAM_TOKEN: `12345:${'A'.repeat(35)}` }, 'CONTROL_BOT_TELEGRAM_TOKEN needs TELEGRAM_API_ID and TELEGRAM_API_HASH (a bot logs in over MTProto as an application)'],
    ['TELEGRAM_SERVER', { TELEGRAM_SERVER: '127.0.0.1:40000' }, 'TELEGRAM_SERVER must be host:port with a port from 1 to 32767'],
    ['TELEGRAM_SERVER_KEY_FILE without a server', { TELEGRAM_SERVER_KEY_FILE: '/k.pem' }, 'TELEGRAM_SERVER_KEY_FILE needs TELEGRAM_SERVER'],
    ['STRIPE_SECRET_KEY', { ...STRIPE, STRIPE_SECRET_KEY: 'pk_test_12345678' }, 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_…, sk_live_…, or restricted rk_…)'],
    ['STRIPE_WEBHOOK_SECRET', { ...STRIPE, STRIPE_WEBHOOK_SECRET: 'secret' }, 'STRIPE_WEBHOOK_SECRET must be the signing secret of a Stripe webhook endpoint (whsec_…)'],
    ['STRIPE_API_URL', { STRIPE_API_URL: 'ftp://stripe' }, 'STRIPE_API_URL must be a http:// or https:// URL'],
    ['STRIPE_PRICE_PRO_MONTHLY', { ...STRIPE, STRIPE_PRICE_PRO_MONTHLY: 'prod_123' }, 'STRIPE_PRICE_PRO_MONTHLY must be a Stripe price id (price_…)'],
    ['STRIPE_PRICE_ELITE_YEARLY', { ...STRIPE, STRIPE_PRICE_ELITE_YEARLY: 'price_ bad' }, 'STRIPE_PRICE_ELITE_YEARLY must be a Stripe price id (price_…)'],
    ['STRIPE_SECRET_KEY without its webhook secret', { STRIPE_SECRET_KEY: STRIPE.STRIPE_SECRET_KEY, STRIPE_PRICE_PRO_MONTHLY: 'price_1' },
      'STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (payments are confirmed only by signed webhooks)'],
    ['STRIPE_SECRET_KEY without a price', { STRIPE_SECRET_KEY: STRIPE.STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: STRIPE.STRIPE_WEBHOOK_SECRET },
      'STRIPE_SECRET_KEY needs at least one price to sell: STRIPE_PRICE_PRO_MONTHLY, STRIPE_PRICE_PRO_YEARLY, STRIPE_PRICE_ELITE_MONTHLY, STRIPE_PRICE_ELITE_YEARLY'],
    ['a price without STRIPE_SECRET_KEY', { STRIPE_PRICE_ELITE_MONTHLY: 'price_1' }, 'STRIPE_SECRET_KEY is required when STRIPE_PRICE_ELITE_MONTHLY is set'],
    ['STRIPE_WEBHOOK_SECRET without STRIPE_SECRET_KEY', { STRIPE_WEBHOOK_SECRET: STRIPE.STRIPE_WEBHOOK_SECRET }, 'STRIPE_SECRET_KEY is required when STRIPE_WEBHOOK_SECRET is set'],
    ['one price for two plans', { ...STRIPE, STRIPE_PRICE_ELITE_MONTHLY: STRIPE.STRIPE_PRICE_PRO_MONTHLY },
      'Each STRIPE_PRICE_* must name a different price (a payment names the plan by its price)'],
    ['BILLING_GRACE_DAYS', { BILLING_GRACE_DAYS: '61' }, 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60'],
    ['BILLING_GRACE_DAYS negative', { BILLING_GRACE_DAYS: '-1' }, 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60'],
    ['NOWPAYMENTS_IPN_SECRET', { NOWPAYMENTS_IPN_SECRET: 'short' }, 'NOWPAYMENTS_IPN_SECRET must be the IPN secret from the NOWPayments dashboard (16 characters or more)'],
    ['PAYPAL_WEBHOOK_ID', { ...PAYPAL, PAYPAL_WEBHOOK_ID: 'has space' }, 'PAYPAL_WEBHOOK_ID must be the id PayPal gave the webhook (letters, digits and -)'],
    ['PayPal partly set', { PAYPAL_CLIENT_ID: 'id' }, 'PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID must be set together'],
    ['PAYPAL_API_URL', { PAYPAL_API_URL: 'paypal' }, 'PAYPAL_API_URL must be a http:// or https:// URL'],
  ];
  for (const [name, env, message] of cases) {
    it(`refuses a bad ${name} with its exact message`, () => {
      assert.deepEqual(problemsOf(env), [message]);
    });
  }
});
