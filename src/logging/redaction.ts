/**
 * Which fields never reach a log line. pino's redaction matches paths, not key
 * names at any depth, so each secret key is listed at the depths our log
 * objects use (top level, one and two levels down). Generic names such as
 * `code` or `session` are left out on purpose: errors carry a `code` and
 * operators need it.
 */
export const SECRET_KEYS = [
  'password',
  'newPassword',
  'passwordHash',
  'token',
  'botToken',
  'accessToken',
  'refreshToken',
  'sessionString',
  'apiKey',
  'secret',
  'totpSecret',
  'phoneCode',
  'loginCode',
  'totpCode',
  'recoveryCode',
  // API authentication (src/api/auth): request fields and answers that are credentials.
  'currentPassword',
  'mfaToken',
  'recoveryCodes',
  'otpauthUri',
  'keyHash',
  'keyMaterial',
  'authorization',
  'cookie',
  // Control bot tokens, under their config names and gramjs's.
  'CONTROL_BOT_DISCORD_TOKEN',
  'CONTROL_BOT_TELEGRAM_TOKEN',
  'botAuthToken',
  // Billing: provider keys under their config names and the SDKs' (Stripe's config carries `apiKey`, listed above).
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'NOWPAYMENTS_IPN_SECRET',
  'PAYPAL_CLIENT_SECRET',
  'webhookSecret',
  'clientSecret',
  'access_token',
] as const;

const DEPTHS = ['', '*.', '*.*.'];

/** Paths handed to pino's `redact.paths`. */
export const REDACT_PATHS: string[] = [
  ...DEPTHS.flatMap((prefix) => SECRET_KEYS.map((key) => `${prefix}${key}`)),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
];

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';
