/**
 * The validated shape of Switchboard's environment. Each variable carries its
 * own exact message, so a bad deployment says which variable to fix and why.
 */
import { z } from 'zod';
import { DEFAULTS } from '../../config/defaults.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treats an empty variable as unset: `FOO=` in a .env file means "use the default". */
const optionalText = z.string().trim().transform((v) => (v === '' ? undefined : v)).optional();

function port(name: string) {
  return z.coerce
    .number({ error: `${name} must be a whole number from 1 to 65535` })
    .int({ error: `${name} must be a whole number from 1 to 65535` })
    .min(1, { error: `${name} must be a whole number from 1 to 65535` })
    .max(65535, { error: `${name} must be a whole number from 1 to 65535` });
}

function positiveInt(name: string) {
  return z.coerce
    .number({ error: `${name} must be a positive whole number` })
    .int({ error: `${name} must be a positive whole number` })
    .positive({ error: `${name} must be a positive whole number` });
}

function fraction(name: string) {
  const message = `${name} must be a number between 0 and 1`;
  return z.coerce.number({ error: message }).gt(0, { error: message }).lte(1, { error: message });
}

/** A port to listen on, or 0 for none. */
function portOrOff(name: string) {
  const message = `${name} must be a whole number from 0 (off) to 65535`;
  return z.coerce.number({ error: message }).int({ error: message }).min(0, { error: message }).max(65535, { error: message });
}

/** A duration in ms where 0 means "no limit". */
function msOrNoLimit(name: string) {
  const message = `${name} must be a whole number of milliseconds, 0 for no limit`;
  return z.coerce.number({ error: message }).int({ error: message }).min(0, { error: message });
}

function optionalPositiveInt(name: string) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), positiveInt(name).optional());
}

function url(name: string, protocols: string[]) {
  const expected = protocols.map((p) => `${p}//`).join(' or ');
  return optionalText.refine((v) => {
    if (v === undefined) return true;
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { error: `${name} must be a ${expected} URL` });
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: `${name} must be one of ${values.join(', ')}` });
}

/** An HMAC key given as text: 32 characters at least, so it carries 256 bits or near it. */
function longSecret(name: string) {
  return optionalText.refine((v) => v === undefined || v.length >= 32, {
    error: `${name} must be at least 32 characters (openssl rand -base64 32)`,
  });
}

/** An opaque credential with a known prefix (Stripe's `sk_`, `whsec_`, `price_`...). */
function prefixed(name: string, pattern: RegExp, shape: string) {
  return optionalText.refine((v) => v === undefined || pattern.test(v), { error: `${name} must be ${shape}` });
}

/** The variables that sell a plan through Stripe, in `plan:period` order. */
export const STRIPE_PRICE_VARIABLES = {
  STRIPE_PRICE_PRO_MONTHLY: { plan: 'pro', period: 'monthly' },
  STRIPE_PRICE_PRO_YEARLY: { plan: 'pro', period: 'yearly' },
  STRIPE_PRICE_ELITE_MONTHLY: { plan: 'elite', period: 'monthly' },
  STRIPE_PRICE_ELITE_YEARLY: { plan: 'elite', period: 'yearly' },
} as const;

function stripePrice(name: string) {
  return prefixed(name, /^price_[A-Za-z0-9]{1,250}$/, 'a Stripe price id (price_…)');
}

const keyEntry = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]{43}=)$/;

export const configSchema = z
  .object({
    NODE_ENV: oneOf('NODE_ENV', ['development', 'test', 'production']).default(DEFAULTS.NODE_ENV),
    DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)' })
      .default(DEFAULTS.DATABASE_SCHEMA),
    REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:']),
    REDIS_PERSISTENCE_CHECK: oneOf('REDIS_PERSISTENCE_CHECK', ['warn', 'strict', 'off']).default(DEFAULTS.REDIS_PERSISTENCE_CHECK),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: 'REDIS_KEY_PREFIX must be 1 to 64 of A-Z a-z 0-9 _ . : -' })
      .default(DEFAULTS.REDIS_KEY_PREFIX),
    DATA_DIR: z.string().min(1, { error: 'DATA_DIR must not be empty' }).default(DEFAULTS.DATA_DIR),
    EMBEDDED_PG_PORT: port('EMBEDDED_PG_PORT').default(DEFAULTS.EMBEDDED_PG_PORT),
    EMBEDDED_REDIS_PORT: port('EMBEDDED_REDIS_PORT').default(DEFAULTS.EMBEDDED_REDIS_PORT),
    API_HOST: z.string().min(1, { error: 'API_HOST must not be empty' }).default(DEFAULTS.API_HOST),
    API_PORT: port('API_PORT').default(DEFAULTS.API_PORT),
    LOG_LEVEL: oneOf('LOG_LEVEL', LEVELS).default(DEFAULTS.LOG_LEVEL),
    LOG_DIR: z.string().min(1, { error: 'LOG_DIR must not be empty' }).default(DEFAULTS.LOG_DIR),
    LOG_PRETTY: oneOf('LOG_PRETTY', ['auto', 'true', 'false']).default(DEFAULTS.LOG_PRETTY),
    LOG_ROTATE_SIZE: z
      .string()
      .regex(/^[1-9][0-9]*[kmg]$/, { error: 'LOG_ROTATE_SIZE must be a size such as 500k, 50m or 1g' })
      .default(DEFAULTS.LOG_ROTATE_SIZE),
    LOG_ROTATE_FREQUENCY: oneOf('LOG_ROTATE_FREQUENCY', ['daily', 'hourly']).default(DEFAULTS.LOG_ROTATE_FREQUENCY),
    LOG_RETAIN_FILES: positiveInt('LOG_RETAIN_FILES').default(DEFAULTS.LOG_RETAIN_FILES),
    SECRET_KEYS: optionalText
      .refine((v) => v === undefined || v.split(',').every((e) => keyEntry.test(e.trim())), {
        error: 'SECRET_KEYS must be comma-separated keyId:base64 entries, each key 32 bytes (openssl rand -base64 32)',
      })
      .refine((v) => {
        if (v === undefined) return true;
        const ids = v.split(',').map((e) => e.trim().split(':')[0]);
        return new Set(ids).size === ids.length;
      }, { error: 'SECRET_KEYS names a key id twice' }),
    SECRET_KEY_CURRENT: optionalText,
    SUPERVISOR_ID: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(v), {
      error: 'SUPERVISOR_ID must be 1 to 64 of A-Z a-z 0-9 _ . -',
    }),
    SUPERVISOR_WORKERS: optionalPositiveInt('SUPERVISOR_WORKERS'),
    SUPERVISOR_MAX_WORKERS: optionalPositiveInt('SUPERVISOR_MAX_WORKERS'),
    SUPERVISOR_CAPACITY: optionalPositiveInt('SUPERVISOR_CAPACITY'),
    SUPERVISOR_THREADS_PER_WORKER: positiveInt('SUPERVISOR_THREADS_PER_WORKER').default(DEFAULTS.SUPERVISOR_THREADS_PER_WORKER),
    SUPERVISOR_SESSIONS_PER_WORKER: positiveInt('SUPERVISOR_SESSIONS_PER_WORKER').default(DEFAULTS.SUPERVISOR_SESSIONS_PER_WORKER),
    SUPERVISOR_THREAD_HEAP_MB: positiveInt('SUPERVISOR_THREAD_HEAP_MB').default(DEFAULTS.SUPERVISOR_THREAD_HEAP_MB),
    PRESSURE_HIGH_WATERMARK: fraction('PRESSURE_HIGH_WATERMARK').default(DEFAULTS.PRESSURE_HIGH_WATERMARK),
    PRESSURE_LOW_WATERMARK: fraction('PRESSURE_LOW_WATERMARK').default(DEFAULTS.PRESSURE_LOW_WATERMARK),
    PRESSURE_PAUSE_ELITE: oneOf('PRESSURE_PAUSE_ELITE', ['true', 'false']).default(DEFAULTS.PRESSURE_PAUSE_ELITE),
    LEASE_TTL_MS: positiveInt('LEASE_TTL_MS').default(DEFAULTS.LEASE_TTL_MS),
    SESSION_START_CONCURRENCY: positiveInt('SESSION_START_CONCURRENCY').default(DEFAULTS.SESSION_START_CONCURRENCY),
    HEALTH_INTERVAL_MS: positiveInt('HEALTH_INTERVAL_MS').default(DEFAULTS.HEALTH_INTERVAL_MS),
    METRICS_HOST: z.string().min(1, { error: 'METRICS_HOST must not be empty' }).default(DEFAULTS.METRICS_HOST),
    METRICS_PORT: portOrOff('METRICS_PORT').default(DEFAULTS.METRICS_PORT),
    API_METRICS_PORT: portOrOff('API_METRICS_PORT').default(DEFAULTS.API_METRICS_PORT),
    SCALE_OUT_WEBHOOK_URL: url('SCALE_OUT_WEBHOOK_URL', ['http:', 'https:']),
    SHUTDOWN_TIMEOUT_MS: positiveInt('SHUTDOWN_TIMEOUT_MS').default(DEFAULTS.SHUTDOWN_TIMEOUT_MS),
    STARTUP_WAIT_MS: msOrNoLimit('STARTUP_WAIT_MS').default(DEFAULTS.STARTUP_WAIT_MS),
    REDIS_COMMAND_TIMEOUT_MS: positiveInt('REDIS_COMMAND_TIMEOUT_MS').default(DEFAULTS.REDIS_COMMAND_TIMEOUT_MS),
    PUBLIC_URL: url('PUBLIC_URL', ['http:', 'https:']).transform((v) => v ?? DEFAULTS.PUBLIC_URL),
    TRUST_PROXY: oneOf('TRUST_PROXY', ['false', 'loopback', 'linklocal', 'uniquelocal']).default(DEFAULTS.TRUST_PROXY),
    API_BODY_LIMIT_KB: positiveInt('API_BODY_LIMIT_KB').default(DEFAULTS.API_BODY_LIMIT_KB),
    JWT_SECRET: longSecret('JWT_SECRET'),
    JWT_ISSUER: z.string().min(1, { error: 'JWT_ISSUER must not be empty' }).default(DEFAULTS.JWT_ISSUER),
    JWT_AUDIENCE: z.string().min(1, { error: 'JWT_AUDIENCE must not be empty' }).default(DEFAULTS.JWT_AUDIENCE),
    ACCESS_TOKEN_TTL: positiveInt('ACCESS_TOKEN_TTL').default(DEFAULTS.ACCESS_TOKEN_TTL),
    REFRESH_TOKEN_TTL: positiveInt('REFRESH_TOKEN_TTL').default(DEFAULTS.REFRESH_TOKEN_TTL),
    MFA_TOKEN_TTL: positiveInt('MFA_TOKEN_TTL').default(DEFAULTS.MFA_TOKEN_TTL),
    EMAIL_VERIFICATION_TTL: positiveInt('EMAIL_VERIFICATION_TTL').default(DEFAULTS.EMAIL_VERIFICATION_TTL),
    PASSWORD_RESET_TTL: positiveInt('PASSWORD_RESET_TTL').default(DEFAULTS.PASSWORD_RESET_TTL),
    API_KEY_PEPPER: longSecret('API_KEY_PEPPER'),
    PASSWORD_HASH_MEMORY_KIB: positiveInt('PASSWORD_HASH_MEMORY_KIB').default(DEFAULTS.PASSWORD_HASH_MEMORY_KIB),
    PASSWORD_HASH_ITERATIONS: positiveInt('PASSWORD_HASH_ITERATIONS').default(DEFAULTS.PASSWORD_HASH_ITERATIONS),
    PASSWORD_HASH_PARALLELISM: positiveInt('PASSWORD_HASH_PARALLELISM').default(DEFAULTS.PASSWORD_HASH_PARALLELISM),
    AUTH_RATE_LIMIT_PER_MINUTE: positiveInt('AUTH_RATE_LIMIT_PER_MINUTE').default(DEFAULTS.AUTH_RATE_LIMIT_PER_MINUTE),
    REFRESH_RATE_LIMIT_PER_MINUTE: positiveInt('REFRESH_RATE_LIMIT_PER_MINUTE').default(DEFAULTS.REFRESH_RATE_LIMIT_PER_MINUTE),
    LOGIN_MAX_FAILURES: positiveInt('LOGIN_MAX_FAILURES').default(DEFAULTS.LOGIN_MAX_FAILURES),
    LOGIN_LOCKOUT_SECONDS: positiveInt('LOGIN_LOCKOUT_SECONDS').default(DEFAULTS.LOGIN_LOCKOUT_SECONDS),
    MAIL_TRANSPORT: oneOf('MAIL_TRANSPORT', ['file', 'smtp']).default(DEFAULTS.MAIL_TRANSPORT),
    MAIL_DIR: z.string().min(1, { error: 'MAIL_DIR must not be empty' }).default(DEFAULTS.MAIL_DIR),
    SMTP_URL: url('SMTP_URL', ['smtp:', 'smtps:']),
    MAIL_FROM: z.string().min(1, { error: 'MAIL_FROM must not be empty' }).default(DEFAULTS.MAIL_FROM),
    DISCORD_API_URL: url('DISCORD_API_URL', ['http:', 'https:']).transform((v) => v ?? DEFAULTS.DISCORD_API_URL),
    DISCORD_INVALID_REQUEST_LIMIT: positiveInt('DISCORD_INVALID_REQUEST_LIMIT').default(DEFAULTS.DISCORD_INVALID_REQUEST_LIMIT),
    API_JOBS_INTERVAL_MS: positiveInt('API_JOBS_INTERVAL_MS').default(DEFAULTS.API_JOBS_INTERVAL_MS),
    TELEGRAM_API_ID: optionalPositiveInt('TELEGRAM_API_ID'),
    TELEGRAM_API_HASH: optionalText.refine((v) => v === undefined || /^[0-9a-f]{32}$/.test(v), {
      error: 'TELEGRAM_API_HASH must be the 32 lower-case hex characters my.telegram.org gives',
    }),
    TELEGRAM_SERVER: optionalText.refine((v) => {
      const m = v === undefined ? null : /^(\[[0-9a-fA-F:]+\]|[^:\s]+):([0-9]{1,5})$/.exec(v);
      return v === undefined || (m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 32767);
    }, { error: 'TELEGRAM_SERVER must be host:port with a port from 1 to 32767' }),
    TELEGRAM_SERVER_KEY_FILE: optionalText,
    CONTROL_BOT_DISCORD_TOKEN: optionalText.refine((v) => v === undefined || /^[\x21-\x7e]{20,200}$/.test(v), {
      error: 'CONTROL_BOT_DISCORD_TOKEN must be a Discord bot token (20 to 200 printable ASCII characters, no spaces)',
    }),
    CONTROL_BOT_TELEGRAM_TOKEN: optionalText.refine((v) => v === undefined || /^[0-9]{1,20}:[A-Za-z0-9_-]{30,64}$/.test(v), {
      error: 'CONTROL_BOT_TELEGRAM_TOKEN must be a Telegram bot token from @BotFather (digits, a colon, then 30 to 64 letters, digits, _ or -)',
    }),
    STRIPE_SECRET_KEY: prefixed('STRIPE_SECRET_KEY', /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, 'a Stripe secret key (sk_test_…, sk_live_…, or restricted rk_…)'),
    STRIPE_WEBHOOK_SECRET: prefixed('STRIPE_WEBHOOK_SECRET', /^whsec_[A-Za-z0-9+/=]{8,}$/, 'the signing secret of a Stripe webhook endpoint (whsec_…)'),
    STRIPE_API_URL: url('STRIPE_API_URL', ['http:', 'https:']).transform((v) => v ?? DEFAULTS.STRIPE_API_URL),
    STRIPE_PRICE_PRO_MONTHLY: stripePrice('STRIPE_PRICE_PRO_MONTHLY'),
    STRIPE_PRICE_PRO_YEARLY: stripePrice('STRIPE_PRICE_PRO_YEARLY'),
    STRIPE_PRICE_ELITE_MONTHLY: stripePrice('STRIPE_PRICE_ELITE_MONTHLY'),
    STRIPE_PRICE_ELITE_YEARLY: stripePrice('STRIPE_PRICE_ELITE_YEARLY'),
    BILLING_GRACE_DAYS: z.coerce
      .number({ error: 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60' })
      .int({ error: 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60' })
      .min(0, { error: 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60' })
      .max(60, { error: 'BILLING_GRACE_DAYS must be a whole number of days from 0 to 60' })
      .default(DEFAULTS.BILLING_GRACE_DAYS),
    NOWPAYMENTS_IPN_SECRET: optionalText.refine((v) => v === undefined || v.length >= 16, {
      error: 'NOWPAYMENTS_IPN_SECRET must be the IPN secret from the NOWPayments dashboard (16 characters or more)',
    }),
    PAYPAL_CLIENT_ID: optionalText,
    PAYPAL_CLIENT_SECRET: optionalText,
    PAYPAL_WEBHOOK_ID: prefixed('PAYPAL_WEBHOOK_ID', /^[A-Za-z0-9-]{1,64}$/, 'the id PayPal gave the webhook (letters, digits and -)'),
    PAYPAL_API_URL: url('PAYPAL_API_URL', ['http:', 'https:']).transform((v) => v ?? DEFAULTS.PAYPAL_API_URL),
  })
  .superRefine((c, ctx) => {
    if (c.SECRET_KEY_CURRENT !== undefined) {
      const ids = (c.SECRET_KEYS ?? '').split(',').map((e) => e.trim().split(':')[0]);
      if (!ids.includes(c.SECRET_KEY_CURRENT)) {
        ctx.addIssue({ code: 'custom', path: ['SECRET_KEY_CURRENT'], message: 'SECRET_KEY_CURRENT must name a key id listed in SECRET_KEYS' });
      }
    }
    if (c.PRESSURE_LOW_WATERMARK >= c.PRESSURE_HIGH_WATERMARK) {
      ctx.addIssue({ code: 'custom', path: ['PRESSURE_LOW_WATERMARK'], message: 'PRESSURE_LOW_WATERMARK must be less than PRESSURE_HIGH_WATERMARK' });
    }
    if (c.SUPERVISOR_WORKERS !== undefined && c.SUPERVISOR_MAX_WORKERS !== undefined && c.SUPERVISOR_MAX_WORKERS < c.SUPERVISOR_WORKERS) {
      ctx.addIssue({ code: 'custom', path: ['SUPERVISOR_MAX_WORKERS'], message: 'SUPERVISOR_MAX_WORKERS must be at least SUPERVISOR_WORKERS' });
    }
    if (c.NODE_ENV === 'production' && c.SECRET_KEYS === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_KEYS'], message: 'SECRET_KEYS is required when NODE_ENV is production' });
    }
    // Derived fallbacks are for one machine; production must share explicit secrets across API processes.
    for (const name of ['JWT_SECRET', 'API_KEY_PEPPER'] as const) {
      if (c.NODE_ENV === 'production' && c[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required when NODE_ENV is production` });
      }
    }
    if ((c.TELEGRAM_API_ID === undefined) !== (c.TELEGRAM_API_HASH === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_API_HASH'], message: 'TELEGRAM_API_ID and TELEGRAM_API_HASH must be set together' });
    }
    if (c.CONTROL_BOT_TELEGRAM_TOKEN !== undefined && c.TELEGRAM_API_ID === undefined) {
      ctx.addIssue({ code: 'custom', path: ['CONTROL_BOT_TELEGRAM_TOKEN'], message: 'CONTROL_BOT_TELEGRAM_TOKEN needs TELEGRAM_API_ID and TELEGRAM_API_HASH (a bot logs in over MTProto as an application)' });
    }
    if (c.TELEGRAM_SERVER_KEY_FILE !== undefined && c.TELEGRAM_SERVER === undefined) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_SERVER_KEY_FILE'], message: 'TELEGRAM_SERVER_KEY_FILE needs TELEGRAM_SERVER' });
    }
    if (c.MAIL_TRANSPORT === 'smtp' && c.SMTP_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'SMTP_URL is required when MAIL_TRANSPORT is smtp' });
    }
    checkStripe(c, ctx);
    const paypal = [c.PAYPAL_CLIENT_ID, c.PAYPAL_CLIENT_SECRET, c.PAYPAL_WEBHOOK_ID].filter((v) => v !== undefined).length;
    if (paypal !== 0 && paypal !== 3) {
      ctx.addIssue({ code: 'custom', path: ['PAYPAL_WEBHOOK_ID'], message: 'PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID must be set together' });
    }
  });

type StripeVariables = { STRIPE_SECRET_KEY?: string | undefined; STRIPE_WEBHOOK_SECRET?: string | undefined }
  & { [K in keyof typeof STRIPE_PRICE_VARIABLES]?: string | undefined };

/** Stripe is all or nothing: a key with its webhook secret and at least one price, or none of them. */
function checkStripe(c: StripeVariables, ctx: z.RefinementCtx): void {
  const prices = Object.keys(STRIPE_PRICE_VARIABLES).filter((k) => c[k as keyof typeof STRIPE_PRICE_VARIABLES] !== undefined);
  if (c.STRIPE_SECRET_KEY === undefined) {
    if (c.STRIPE_WEBHOOK_SECRET !== undefined || prices.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: `STRIPE_SECRET_KEY is required when ${c.STRIPE_WEBHOOK_SECRET !== undefined ? 'STRIPE_WEBHOOK_SECRET' : prices[0]} is set` });
    }
    return;
  }
  if (c.STRIPE_WEBHOOK_SECRET === undefined) {
    ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (payments are confirmed only by signed webhooks)' });
  }
  if (prices.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['STRIPE_PRICE_PRO_MONTHLY'], message: `STRIPE_SECRET_KEY needs at least one price to sell: ${Object.keys(STRIPE_PRICE_VARIABLES).join(', ')}` });
  }
  const ids = prices.map((k) => c[k as keyof typeof STRIPE_PRICE_VARIABLES]);
  if (new Set(ids).size !== ids.length) {
    ctx.addIssue({ code: 'custom', path: ['STRIPE_PRICE_PRO_MONTHLY'], message: 'Each STRIPE_PRICE_* must name a different price (a payment names the plan by its price)' });
  }
}

/** Switchboard's configuration after validation and defaults. */
export type Config = Readonly<z.infer<typeof configSchema>>;
